;; loop_a.wat: a loop through two components and a core module, with the host
;; interface's invoke. Upload the three under these names:
;;   loop_a.wat as `loop-a`, loop_b.wat as `loop-b`, loop_c.wat (a core module) as `loop-c`.
;; loop-a (this component):
;;   go: func(x: s64) -> s64          = loop-b's go(x as a decimal string)
;;   countdown: func(n: s64) -> s64   = 0 when n <= 0, else loop-b's countdown("n-1") + 1
;; loop-b (component): go/countdown: func(x: string) -> string hand the number on to
;;   loop-c's go/countdown unchanged and return its result as a decimal string.
;; loop-c (core module): go(x) = loop-a's go(x); countdown(n) = 0 when n <= 0, else
;;   loop-a's countdown(n - 1) + 1.
;; So:
;;   loop-a go [1]          -> 508 repeat, chain loop-a.go(1), loop-b.go("1"), loop-c.go(1), loop-a.go(1)
;;   loop-a countdown [0]   -> [0]
;;   loop-a countdown [1]   -> [1]   (loop-a -> loop-b -> loop-c)
;;   loop-a countdown [2]   -> 508 repeat: loop-c enters loop-a's instance again while it
;;                             runs, which the component model forbids
;;   loop-c countdown [2]   -> [2]   (loop-c -> loop-a -> loop-b -> loop-c: a core module may be re-entered)
;;   loop-b countdown ["1"] -> ["1"] (loop-b -> loop-c -> loop-a)
;; A failed invoke (its err) traps here (unreachable).
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
    (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i32 i32 i32)))
    (data (i32.const 16) "loop-b")      ;; 6 bytes
    (data (i32.const 24) "go")          ;; 2 bytes
    (data (i32.const 32) "countdown")   ;; 9 bytes
    ;; 128: invoke's result area; 256: the JSON arguments; 320..352: digits

    ;; Writes ["N"] (a JSON array holding n as a decimal string) at 256; returns its length.
    (func $format (param $n i64) (result i32)
      (local $out i32) (local $digit i32)
      (i32.store16 (i32.const 256) (i32.const 0x225b))   ;; [" 
      (local.set $out (i32.const 258))
      (if (i64.lt_s (local.get $n) (i64.const 0))
        (then (i32.store8 (local.get $out) (i32.const 45))  ;; '-'
              (local.set $out (i32.add (local.get $out) (i32.const 1)))
              (local.set $n (i64.sub (i64.const 0) (local.get $n)))))
      (local.set $digit (i32.const 352))
      (loop $next
        (local.set $digit (i32.sub (local.get $digit) (i32.const 1)))
        (i32.store8 (local.get $digit) (i32.wrap_i64 (i64.add (i64.const 48) (i64.rem_u (local.get $n) (i64.const 10)))))
        (local.set $n (i64.div_u (local.get $n) (i64.const 10)))
        (br_if $next (i64.ne (local.get $n) (i64.const 0))))
      (memory.copy (local.get $out) (local.get $digit) (i32.sub (i32.const 352) (local.get $digit)))
      (local.set $out (i32.add (local.get $out) (i32.sub (i32.const 352) (local.get $digit))))
      (i32.store16 (local.get $out) (i32.const 0x5d22))  ;; "]
      (i32.sub (i32.add (local.get $out) (i32.const 2)) (i32.const 256)))

    ;; Reads the first integer in the text at ptr (e.g. ["-12"] -> -12).
    (func $parse (param $ptr i32) (param $len i32) (result i64)
      (local $end i32) (local $n i64) (local $negative i32) (local $c i32)
      (local.set $end (i32.add (local.get $ptr) (local.get $len)))
      (block $found
        (loop $skip
          (br_if $found (i32.ge_u (local.get $ptr) (local.get $end)))
          (local.set $c (i32.load8_u (local.get $ptr)))
          (br_if $found (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
          (local.set $negative (i32.eq (local.get $c) (i32.const 45)))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
          (br $skip)))
      (block $done
        (loop $digits
          (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
          (local.set $c (i32.sub (i32.load8_u (local.get $ptr)) (i32.const 48)))
          (br_if $done (i32.ge_u (local.get $c) (i32.const 10)))
          (local.set $n (i64.add (i64.mul (local.get $n) (i64.const 10)) (i64.extend_i32_u (local.get $c))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
          (br $digits)))
      (if (result i64) (local.get $negative)
        (then (i64.sub (i64.const 0) (local.get $n)))
        (else (local.get $n))))

    ;; loop-b's export `name` with n; traps when invoke answers err.
    (func $call (param $name i32) (param $name_len i32) (param $n i64) (result i64)
      (call $invoke (i32.const 16) (i32.const 6) (local.get $name) (local.get $name_len)
                    (i32.const 256) (call $format (local.get $n)) (i32.const 128))
      (if (i32.load8_u (i32.const 128)) (then (unreachable)))
      (call $parse (i32.load (i32.const 132)) (i32.load (i32.const 136))))

    (func (export "go") (param $x i64) (result i64)
      (call $call (i32.const 24) (i32.const 2) (local.get $x)))

    (func (export "countdown") (param $n i64) (result i64)
      (if (result i64) (i64.le_s (local.get $n) (i64.const 0))
        (then (i64.const 0))
        (else (i64.add (i64.const 1)
          (call $call (i32.const 32) (i32.const 9) (i64.sub (local.get $n) (i64.const 1))))))))
  (core instance $main (instantiate $main
    (with "env" (instance $libc))
    (with "host" (instance (export "invoke" (func $invoke))))))

  (func (export "go") (param "x" s64) (result s64) (canon lift (core func $main "go")))
  (func (export "countdown") (param "n" s64) (result s64) (canon lift (core func $main "countdown"))))
