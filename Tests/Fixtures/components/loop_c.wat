;; loop_c.wat: a core module, the third member of the loop loop-a -> loop-b -> loop-c
;; -> loop-a (see loop_a.wat). Upload it under the name `loop-c`.
;;   go(x)         = host.invoke("loop-a", "go", x)
;;   countdown(n)  = 0 when n <= 0, else host.invoke("loop-a", "countdown", n - 1) + 1
(module
  (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "loop-a")      ;; 6 bytes
  (data (i32.const 8) "go")          ;; 2 bytes
  (data (i32.const 16) "countdown")  ;; 9 bytes

  (func (export "go") (param $x i64) (result i64)
    (call $invoke (i32.const 0) (i32.const 6) (i32.const 8) (i32.const 2) (local.get $x)))

  (func (export "countdown") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 0))
      (then (i64.const 0))
      (else (i64.add (i64.const 1)
        (call $invoke (i32.const 0) (i32.const 6) (i32.const 16) (i32.const 9)
                      (i64.sub (local.get $n) (i64.const 1))))))))
