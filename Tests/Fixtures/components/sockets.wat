;; sockets.wat: imports wasi:sockets, which the daemon does not provide. Uploading
;; it is 422 unknown_import; upload it under the name `sockets`.
(component
  (import "wasi:sockets/network@0.2.0" (instance (export "network" (type (sub resource))))))
