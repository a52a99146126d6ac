;; counter.wat: per-invocation isolation. Each invocation gets a fresh instance, so
;; nothing persists between requests: bump() and mem_bump() return 1 every time.
;;   counter                a mutable i32 global, exported (starts at 0)
;;   bump() -> i32          counter += 1; returns the new value (always 1)
;;   mem_bump() -> i32      the i32 at address 0 of memory += 1; returns it (always 1)
;;   memory                 an exported one-page memory
;;   wasmhost run --invoke bump examples/modules/counter.wat        -> {"results":[1],...}
;;   curl -X POST http://127.0.0.1:8080/v1/modules/counter/invoke/bump   (twice: still 1)
;;   curl -X POST http://127.0.0.1:8080/v1/modules/counter/invoke/counter -> 400 not_a_function
(module
  (memory (export "memory") 1)
  (global $counter (export "counter") (mut i32) (i32.const 0))

  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  (func (export "mem_bump") (result i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (i32.load (i32.const 0))))
