;; big_memory.wat: a core module inside whose initial memory (1025 pages, 64 MiB +
;; 64 KiB) is larger than limits.max_memory_bytes (64 MiB by default). Uploading it
;; is 422 limit_exceeded; upload it under the name `big-memory`.
(component
  (core module $m (memory 1025) (func (export "f")))
  (core instance $i (instantiate $m))
  (func (export "f") (canon lift (core func $i "f"))))
