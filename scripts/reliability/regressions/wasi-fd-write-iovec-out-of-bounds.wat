;; fd_write(stdout) with an iovec whose buffer lies outside linear memory
;; (buf = 0xfffffff0, len = 16). API.md: a bad range traps (422 trap,
;; "out of bounds memory access"); it must never take the daemon down.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\f0\ff\ff\ff\10\00\00\00")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))
