;; scalars.wat: every WIT scalar type, both ways. Upload it under the name `scalars`.
;; The echo-* functions return their argument unchanged; the rest compute.
;; A scalar lowers to one core value (bool, s8..u32, char -> i32; s64, u64 -> i64;
;; f32 -> f32; f64 -> f64), so one core identity function per core type is
;; lifted once per WIT type, and no memory is needed.
;;   echo-bool: func(x: bool) -> bool          not: func(x: bool) -> bool
;;   echo-s8/s16/s32/s64, echo-u8/u16/u32/u64: func(x: T) -> T
;;   add-s64: func(a: s64, b: s64) -> s64      (wraps around, as i64.add does)
;;   echo-f32: func(x: f32) -> f32             echo-f64: func(x: f64) -> f64
;;   negate-f32: func(x: f32) -> f32           (flips the sign bit: NaN -> -NaN)
;;   echo-char: func(c: char) -> char          char-code: func(c: char) -> u32
;;   next-char: func(c: char) -> char          (traps for U+D7FF: U+D800 is not a char)
;;   answer: func() -> u32                     (42)
;;   noop: func()
;;   crash: func()                             (traps: unreachable)
(component
  (core module $m
    (func (export "id-i32") (param i32) (result i32) (local.get 0))
    (func (export "id-i64") (param i64) (result i64) (local.get 0))
    (func (export "id-f32") (param f32) (result f32) (local.get 0))
    (func (export "id-f64") (param f64) (result f64) (local.get 0))
    (func (export "not") (param i32) (result i32) (i32.eqz (local.get 0)))
    (func (export "add-i64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
    (func (export "neg-f32") (param f32) (result f32) (f32.neg (local.get 0)))
    (func (export "inc-i32") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func (export "answer") (result i32) (i32.const 42))
    (func (export "noop"))
    (func (export "crash") (unreachable)))
  (core instance $i (instantiate $m))

  (func (export "echo-bool") (param "x" bool) (result bool) (canon lift (core func $i "id-i32")))
  (func (export "not") (param "x" bool) (result bool) (canon lift (core func $i "not")))
  (func (export "echo-s8") (param "x" s8) (result s8) (canon lift (core func $i "id-i32")))
  (func (export "echo-s16") (param "x" s16) (result s16) (canon lift (core func $i "id-i32")))
  (func (export "echo-s32") (param "x" s32) (result s32) (canon lift (core func $i "id-i32")))
  (func (export "echo-s64") (param "x" s64) (result s64) (canon lift (core func $i "id-i64")))
  (func (export "echo-u8") (param "x" u8) (result u8) (canon lift (core func $i "id-i32")))
  (func (export "echo-u16") (param "x" u16) (result u16) (canon lift (core func $i "id-i32")))
  (func (export "echo-u32") (param "x" u32) (result u32) (canon lift (core func $i "id-i32")))
  (func (export "echo-u64") (param "x" u64) (result u64) (canon lift (core func $i "id-i64")))
  (func (export "add-s64") (param "a" s64) (param "b" s64) (result s64) (canon lift (core func $i "add-i64")))
  (func (export "echo-f32") (param "x" f32) (result f32) (canon lift (core func $i "id-f32")))
  (func (export "echo-f64") (param "x" f64) (result f64) (canon lift (core func $i "id-f64")))
  (func (export "negate-f32") (param "x" f32) (result f32) (canon lift (core func $i "neg-f32")))
  (func (export "echo-char") (param "c" char) (result char) (canon lift (core func $i "id-i32")))
  (func (export "char-code") (param "c" char) (result u32) (canon lift (core func $i "id-i32")))
  (func (export "next-char") (param "c" char) (result char) (canon lift (core func $i "inc-i32")))
  (func (export "answer") (result u32) (canon lift (core func $i "answer")))
  (func (export "noop") (canon lift (core func $i "noop")))
  (func (export "crash") (canon lift (core func $i "crash"))))
