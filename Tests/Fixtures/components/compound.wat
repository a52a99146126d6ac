;; compound.wat: records, tuples and lists, nested. Upload it under the name `compound`.
;;   record point { x: s32, y: s32 }
;;   record person { name: string, age: u8, nick-name: option<string> }
;;   echo-point: func(p: point) -> point
;;   echo-person: func(p: person) -> person
;;   echo-tuple: func(t: tuple<u8, string, f64>) -> tuple<u8, string, f64>
;;   sum: func(xs: list<s32>) -> s64
;;   echo-bytes: func(b: list<u8>) -> list<u8>
;;   echo-strings: func(xs: list<string>) -> list<string>
;;   echo-points: func(ps: list<point>) -> list<point>
;;   echo-matrix: func(m: list<list<s32>>) -> list<list<s32>>
;;   echo-people: func(people: list<person>) -> list<person>
;; A list lowers to (ptr, len) of elements stored in memory in their canonical
;; layout, so one core function echoes a list of any element type. A record or
;; tuple arrives as its flattened fields and goes back stored in memory: the
;; offsets below are the canonical ABI layout (each field aligned to its size).
(component
  (core module $m
    (memory (export "memory") 16)
    (global $bump (mut i32) (i32.const 1024))
    ;; A bump allocator that never frees (every invocation gets a fresh instance).
    (func $alloc (export "cabi_realloc") (param i32 i32 i32) (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $ptr) (local.get $size)))
      (local.get $ptr))
    (func $area (param $size i32) (result i32)
      (call $alloc (i32.const 0) (i32.const 0) (i32.const 8) (local.get $size)))

    ;; list<T> -> list<T>: the same (ptr, len) stored in a return area.
    (func (export "echo-list") (param $ptr i32) (param $len i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $area (i32.const 8)))
      (i32.store (local.get $ret) (local.get $ptr))
      (i32.store offset=4 (local.get $ret) (local.get $len))
      (local.get $ret))

    ;; point: x at 0, y at 4 (size 8)
    (func (export "echo-point") (param $x i32) (param $y i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $area (i32.const 8)))
      (i32.store (local.get $ret) (local.get $x))
      (i32.store offset=4 (local.get $ret) (local.get $y))
      (local.get $ret))

    ;; person: name (ptr 0, len 4), age at 8, nick-name: option tag at 12,
    ;; string (ptr 16, len 20) (size 24)
    (func (export "echo-person")
      (param $name i32) (param $name_len i32) (param $age i32)
      (param $has_nick i32) (param $nick i32) (param $nick_len i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $area (i32.const 24)))
      (i32.store (local.get $ret) (local.get $name))
      (i32.store offset=4 (local.get $ret) (local.get $name_len))
      (i32.store8 offset=8 (local.get $ret) (local.get $age))
      (i32.store8 offset=12 (local.get $ret) (local.get $has_nick))
      (i32.store offset=16 (local.get $ret) (local.get $nick))
      (i32.store offset=20 (local.get $ret) (local.get $nick_len))
      (local.get $ret))

    ;; tuple<u8, string, f64>: u8 at 0, string (ptr 4, len 8), f64 at 16 (size 24)
    (func (export "echo-tuple") (param $a i32) (param $s i32) (param $s_len i32) (param $f f64) (result i32)
      (local $ret i32)
      (local.set $ret (call $area (i32.const 24)))
      (i32.store8 (local.get $ret) (local.get $a))
      (i32.store offset=4 (local.get $ret) (local.get $s))
      (i32.store offset=8 (local.get $ret) (local.get $s_len))
      (f64.store offset=16 (local.get $ret) (local.get $f))
      (local.get $ret))

    (func (export "sum") (param $ptr i32) (param $len i32) (result i64)
      (local $total i64)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $total (i64.add (local.get $total) (i64.extend_i32_s (i32.load (local.get $ptr)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (br $next)))
      (local.get $total)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "cabi_realloc" (core func $realloc))

  (type $point' (record (field "x" s32) (field "y" s32)))
  (export $point "point" (type $point'))
  (type $person' (record (field "name" string) (field "age" u8) (field "nick-name" (option string))))
  (export $person "person" (type $person'))

  (func (export "echo-point") (param "p" $point) (result $point)
    (canon lift (core func $i "echo-point") (memory $mem) (realloc $realloc)))
  (func (export "echo-person") (param "p" $person) (result $person)
    (canon lift (core func $i "echo-person") (memory $mem) (realloc $realloc)))
  (func (export "echo-tuple") (param "t" (tuple u8 string f64)) (result (tuple u8 string f64))
    (canon lift (core func $i "echo-tuple") (memory $mem) (realloc $realloc)))
  (func (export "sum") (param "xs" (list s32)) (result s64)
    (canon lift (core func $i "sum") (memory $mem) (realloc $realloc)))
  (func (export "echo-bytes") (param "b" (list u8)) (result (list u8))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-strings") (param "xs" (list string)) (result (list string))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-points") (param "ps" (list $point)) (result (list $point))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-matrix") (param "m" (list (list s32))) (result (list (list s32)))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-people") (param "people" (list $person)) (result (list $person))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc))))
