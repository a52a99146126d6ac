;; loop_b.wat: the second member of the loop loop-a -> loop-b -> loop-c -> loop-a
;; (see loop_a.wat). Upload it under the name `loop-b`.
;;   go: func(x: string) -> string         = loop-c's go, with the JSON arguments "[x]"
;;   countdown: func(n: string) -> string  = loop-c's countdown, the same way
;; x is a decimal number as text; the result is loop-c's answer ("[r]") without the
;; brackets. A failed invoke (its err) traps here (unreachable).
(component
  (import "wasmhost:host/api@1.0.0" (instance $api
    (export "invoke" (func (param "module" string) (param "export" string) (param "args-json" string)
                           (result (result string (error string)))))))

  (core module $libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "cabi_realloc") (param i32 i32 i32) (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $ptr) (local.get $size)))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))
  (core func $invoke (canon lower (func $api "invoke") (memory $mem) (realloc $realloc)))

  (core module $main
    (import "env" "memory" (memory 1))
    (import "env" "cabi_realloc" (func $alloc (param i32 i32 i32 i32) (result i32)))
    (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i32 i32 i32)))
    (data (i32.const 16) "loop-c")      ;; 6 bytes
    (data (i32.const 24) "go")          ;; 2 bytes
    (data (i32.const 32) "countdown")   ;; 9 bytes
    ;; 128: invoke's result area (tag, ptr, len); 144: this function's result (ptr, len)

    (func $forward (param $name i32) (param $name_len i32) (param $arg i32) (param $arg_len i32) (result i32)
      (local $json i32) (local $text i32) (local $text_len i32)
      ;; "[" + arg + "]"
      (local.set $json (call $alloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $arg_len) (i32.const 2))))
      (i32.store8 (local.get $json) (i32.const 91))
      (memory.copy (i32.add (local.get $json) (i32.const 1)) (local.get $arg) (local.get $arg_len))
      (i32.store8 (i32.add (local.get $json) (i32.add (local.get $arg_len) (i32.const 1))) (i32.const 93))
      (call $invoke (i32.const 16) (i32.const 6) (local.get $name) (local.get $name_len)
                    (local.get $json) (i32.add (local.get $arg_len) (i32.const 2)) (i32.const 128))
      (if (i32.load8_u (i32.const 128)) (then (unreachable)))
      (local.set $text (i32.load (i32.const 132)))
      (local.set $text_len (i32.load (i32.const 136)))
      (if (i32.lt_u (local.get $text_len) (i32.const 2)) (then (unreachable)))
      ;; "[r]" -> "r"
      (i32.store (i32.const 144) (i32.add (local.get $text) (i32.const 1)))
      (i32.store (i32.const 148) (i32.sub (local.get $text_len) (i32.const 2)))
      (i32.const 144))

    (func (export "go") (param i32 i32) (result i32)
      (call $forward (i32.const 24) (i32.const 2) (local.get 0) (local.get 1)))
    (func (export "countdown") (param i32 i32) (result i32)
      (call $forward (i32.const 32) (i32.const 9) (local.get 0) (local.get 1))))
  (core instance $main (instantiate $main
    (with "env" (instance $libc))
    (with "host" (instance (export "invoke" (func $invoke))))))

  (func (export "go") (param "x" string) (result string)
    (canon lift (core func $main "go") (memory $mem) (realloc $realloc)))
  (func (export "countdown") (param "n" string) (result string)
    (canon lift (core func $main "countdown") (memory $mem) (realloc $realloc))))
