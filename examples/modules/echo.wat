;; echo.wat: the host.* I/O imports (input, output, logs) and their limits.
;;   echo()            reads the whole request input into memory, logs "echo: N bytes"
;;                     (N formatted as decimal in wasm) and writes the input back with
;;                     host.output_write: output == input.
;;   flood(n)          calls host.output_write n times with 64 KiB of 'x' each: with n > 16
;;                     the 1 MiB default cap cuts it and the answer says "truncated":["output"]
;;   logflood(n)       the same with host.log (n log lines of 64 KiB each): "truncated":["logs"]
;;   bad_ptr()         host.output_write(0xFFFFFFF0, 100): the range leaves memory, so it traps
;;                     with "out of bounds memory access" (422 trap)
;;   binary_out()      writes the bytes ff fe 00, not UTF-8: the answer has "output_base64":"//4A"
;;   memory            exported (the host checks pointers against it)
;;   wasmhost run --invoke echo --input 'hello' examples/modules/echo.wat
;;   curl -d '{"input":"hello"}' http://127.0.0.1:8080/v1/modules/echo/invoke/echo
;;   curl -d '{"input_base64":"AAEC"}' http://127.0.0.1:8080/v1/modules/echo/invoke/echo
;;   curl -d '{"args":[20]}' http://127.0.0.1:8080/v1/modules/echo/invoke/flood
;; Memory layout: 256.. the log line, 1024.. the input (memory grows to fit it),
;; 65536..131071 the 64 KiB of 'x' used by flood/logflood (filled on use).
(module
  (import "host" "input_size" (func $input_size (result i32)))
  (import "host" "input_read" (func $input_read (param i32 i32) (result i32)))
  (import "host" "output_write" (func $output_write (param i32 i32)))
  (import "host" "log" (func $log (param i32 i32)))

  (memory (export "memory") 2)

  (data (i32.const 256) "echo: ")
  (data (i32.const 128) " bytes")
  (data (i32.const 160) "\ff\fe\00")

  (global $LINE i32 (i32.const 256))   ;; "echo: " then the digits then " bytes"
  (global $INPUT i32 (i32.const 1024))
  (global $BLOCK i32 (i32.const 65536))
  (global $BLOCK_LEN i32 (i32.const 65536))

  ;; Writes n as decimal at dst; returns the number of digits written.
  (func $utoa (param $n i32) (param $dst i32) (result i32)
    (local $digits i32) (local $t i32) (local $p i32)
    ;; count the digits (at least one, for 0)
    (local.set $digits (i32.const 1))
    (local.set $t (local.get $n))
    (block $counted
      (loop $count
        (br_if $counted (i32.lt_u (local.get $t) (i32.const 10)))
        (local.set $t (i32.div_u (local.get $t) (i32.const 10)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (br $count)))
    ;; write them from the last one backwards
    (local.set $p (i32.add (local.get $dst) (local.get $digits)))
    (loop $write
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $write (i32.gt_u (local.get $p) (local.get $dst))))
    (local.get $digits))

  (func (export "echo")
    (local $size i32) (local $need i32) (local $n i32) (local $digits i32) (local $end i32)
    (local.set $size (call $input_size))
    ;; grow memory so that [INPUT, INPUT + size) fits
    (local.set $need
      (i32.shr_u
        (i32.add (i32.add (global.get $INPUT) (local.get $size)) (i32.const 65535))
        (i32.const 16)))
    (if (i32.gt_u (local.get $need) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $need) (memory.size))) (i32.const -1))
          (then unreachable))))
    (local.set $n (call $input_read (global.get $INPUT) (local.get $size)))
    ;; log "echo: N bytes"
    (local.set $digits (call $utoa (local.get $n) (i32.add (global.get $LINE) (i32.const 6))))
    (local.set $end (i32.add (i32.add (global.get $LINE) (i32.const 6)) (local.get $digits)))
    (memory.copy (local.get $end) (i32.const 128) (i32.const 6))
    (call $log (global.get $LINE) (i32.add (i32.const 12) (local.get $digits)))
    (call $output_write (global.get $INPUT) (local.get $n)))

  (func $fill_block
    (memory.fill (global.get $BLOCK) (i32.const 120) (global.get $BLOCK_LEN)))   ;; 'x'

  (func (export "flood") (param $n i32)
    (call $fill_block)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $output_write (global.get $BLOCK) (global.get $BLOCK_LEN))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again))))

  (func (export "logflood") (param $n i32)
    (call $fill_block)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $log (global.get $BLOCK) (global.get $BLOCK_LEN))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again))))

  (func (export "bad_ptr")
    (call $output_write (i32.const 0xFFFFFFF0) (i32.const 100)))

  (func (export "binary_out")
    (call $output_write (i32.const 160) (i32.const 3))))
