;; variants.wat: enum, flags, variant, option and result, nested; and an exported
;; interface. Upload it under the name `variants`.
;;   enum color { red, green, blue }
;;   flags access { read, write, execute, admin-only }
;;   variant event { none-yet, count(u32), label(string), ratio(f64), big(u64) }
;;   echo-color: func(c: color) -> color
;;   echo-access: func(a: access) -> access
;;   echo-event: func(e: event) -> event
;;   echo-opt: func(x: option<u32>) -> option<u32>
;;   echo-opt-opt: func(x: option<option<string>>) -> option<option<string>>
;;   echo-result: func(r: result<string, u32>) -> result<string, u32>
;;   safe-div: func(a: s32, b: s32) -> result<s32, string>   (err "division by zero";
;;                                                               traps for s32 min / -1)
;;   parse-digit: func(c: char) -> result<u8>                  (payload-less err)
;;   echo-opt-list: func(xs: list<option<option<s8>>>) -> list<option<option<s8>>>
;;   echo-units: func(xs: list<result<_, string>>) -> list<result<_, string>>
;;   echo-nested: func(xs: list<tuple<option<color>, result<access, string>, event>>) -> (the same)
;; and the interface example:demo/geo (invoke `example:demo/geo#area`, or `area`):
;;   record size { width: f64, height: f64 }
;;   variant shape { circle(f64), rect(size), empty }
;;   area: func(s: shape) -> f64                   (pi r^2, width * height, 0)
;; Canonical ABI: a variant lowers to its case index and then the "joined" core
;; types of all payloads (event: i32, i64, i32; shape: i32, f64, f64); stored in
;; memory it is the tag byte, then the payload at the payload's alignment.
(component
  (core module $m
    (memory (export "memory") 16)
    (data (i32.const 16) "division by zero")   ;; 16 bytes
    (global $bump (mut i32) (i32.const 1024))
    ;; A bump allocator that never frees (every invocation gets a fresh instance).
    (func $alloc (export "cabi_realloc") (param i32 i32 i32) (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $ptr) (local.get $size)))
      (local.get $ptr))
    (func $area (param $size i32) (result i32)
      (call $alloc (i32.const 0) (i32.const 0) (i32.const 8) (local.get $size)))

    (func (export "id-i32") (param i32) (result i32) (local.get 0))

    ;; Stores three i32 values at 0, 4 and 8: the layout of list<T> (ptr, len),
    ;; option<u32> (tag, value), option<option<string>> (tag, tag, ptr, len) and
    ;; result<string, u32> (tag, ptr or value, len).
    (func $store3 (param $a i32) (param $b i32) (param $c i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $area (i32.const 16)))
      (i32.store (local.get $ret) (local.get $a))
      (i32.store offset=4 (local.get $ret) (local.get $b))
      (i32.store offset=8 (local.get $ret) (local.get $c))
      (local.get $ret))
    (func (export "echo-list") (param i32 i32) (result i32)
      (call $store3 (local.get 0) (local.get 1) (i32.const 0)))
    (func (export "echo-opt") (param i32 i32) (result i32)
      (call $store3 (local.get 0) (local.get 1) (i32.const 0)))
    (func (export "echo-result") (param i32 i32 i32) (result i32)
      (call $store3 (local.get 0) (local.get 1) (local.get 2)))
    ;; option<option<string>>: outer tag at 0, inner tag at 4, string (ptr 8, len 12)
    (func (export "echo-opt-opt") (param $outer i32) (param $inner i32) (param $ptr i32) (param $len i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $store3 (local.get $outer) (local.get $inner) (local.get $ptr)))
      (i32.store offset=12 (local.get $ret) (local.get $len))
      (local.get $ret))

    ;; event: tag at 0, payload at 8 (u32, string ptr + len at 12, f64 bits, u64)
    (func (export "echo-event") (param $tag i32) (param $payload i64) (param $len i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $area (i32.const 16)))
      (i32.store8 (local.get $ret) (local.get $tag))
      (i64.store offset=8 (local.get $ret) (local.get $payload))
      (if (i32.eq (local.get $tag) (i32.const 2))   ;; label(string): the length
        (then (i32.store offset=12 (local.get $ret) (local.get $len))))
      (local.get $ret))

    ;; result<s32, string>: tag at 0, s32 or string (ptr 4, len 8)
    (func (export "safe-div") (param $a i32) (param $b i32) (result i32)
      (if (result i32) (i32.eqz (local.get $b))
        (then (call $store3 (i32.const 1) (i32.const 16) (i32.const 16)))
        (else (call $store3 (i32.const 0) (i32.div_s (local.get $a) (local.get $b)) (i32.const 0)))))

    ;; result<u8>: tag at 0, digit at 1
    (func (export "parse-digit") (param $c i32) (result i32)
      (local $ret i32) (local $digit i32)
      (local.set $ret (call $area (i32.const 2)))
      (local.set $digit (i32.sub (local.get $c) (i32.const 48)))
      (if (i32.lt_u (local.get $digit) (i32.const 10))
        (then (i32.store8 (local.get $ret) (i32.const 0))
              (i32.store8 offset=1 (local.get $ret) (local.get $digit)))
        (else (i32.store8 (local.get $ret) (i32.const 1))))
      (local.get $ret))

    ;; shape: circle(r) = pi r^2, rect(size) = width * height, empty = 0
    (func (export "area") (param $tag i32) (param $a f64) (param $b f64) (result f64)
      (if (result f64) (i32.eqz (local.get $tag))
        (then (f64.mul (f64.const 3.141592653589793) (f64.mul (local.get $a) (local.get $a))))
        (else (if (result f64) (i32.eq (local.get $tag) (i32.const 1))
          (then (f64.mul (local.get $a) (local.get $b)))
          (else (f64.const 0)))))))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "cabi_realloc" (core func $realloc))

  (type $color' (enum "red" "green" "blue"))
  (export $color "color" (type $color'))
  (type $access' (flags "read" "write" "execute" "admin-only"))
  (export $access "access" (type $access'))
  (type $event' (variant (case "none-yet") (case "count" u32) (case "label" string)
                         (case "ratio" f64) (case "big" u64)))
  (export $event "event" (type $event'))

  (func (export "echo-color") (param "c" $color) (result $color) (canon lift (core func $i "id-i32")))
  (func (export "echo-access") (param "a" $access) (result $access) (canon lift (core func $i "id-i32")))
  (func (export "echo-event") (param "e" $event) (result $event)
    (canon lift (core func $i "echo-event") (memory $mem) (realloc $realloc)))
  (func (export "echo-opt") (param "x" (option u32)) (result (option u32))
    (canon lift (core func $i "echo-opt") (memory $mem) (realloc $realloc)))
  (func (export "echo-opt-opt") (param "x" (option (option string))) (result (option (option string)))
    (canon lift (core func $i "echo-opt-opt") (memory $mem) (realloc $realloc)))
  (func (export "echo-result") (param "r" (result string (error u32))) (result (result string (error u32)))
    (canon lift (core func $i "echo-result") (memory $mem) (realloc $realloc)))
  (func (export "safe-div") (param "a" s32) (param "b" s32) (result (result s32 (error string)))
    (canon lift (core func $i "safe-div") (memory $mem) (realloc $realloc)))
  (func (export "parse-digit") (param "c" char) (result (result u8))
    (canon lift (core func $i "parse-digit") (memory $mem) (realloc $realloc)))
  (func (export "echo-opt-list") (param "xs" (list (option (option s8)))) (result (list (option (option s8))))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (func (export "echo-units") (param "xs" (list (result (error string)))) (result (list (result (error string))))
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))
  (type $nested (list (tuple (option $color) (result $access (error string)) $event)))
  (func (export "echo-nested") (param "xs" $nested) (result $nested)
    (canon lift (core func $i "echo-list") (memory $mem) (realloc $realloc)))

  ;; The interface example:demo/geo: an instance exporting its types and `area`.
  (type $size' (record (field "width" f64) (field "height" f64)))
  (type $shape' (variant (case "circle" f64) (case "rect" $size') (case "empty")))
  (func $area (param "s" $shape') (result f64) (canon lift (core func $i "area")))
  (instance $geo
    (export "size" (type $size'))
    (export "shape" (type $shape'))
    (export "area" (func $area)))
  (export "example:demo/geo" (instance $geo)))
