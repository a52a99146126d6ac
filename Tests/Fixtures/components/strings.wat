;; strings.wat: strings in and out. Upload it under the name `strings`.
;;   greet: func(name: string) -> string       "Hello, NAME!"
;;   echo-string: func(s: string) -> string
;;   count-chars: func(s: string) -> u32       Unicode scalar values, not bytes
;; A string lowers to (ptr, len) of UTF-8 bytes in the instance's memory, written
;; there by the host through cabi_realloc. A string result is two core values, so
;; the core function returns a pointer to a (ptr, len) pair (canonical ABI:
;; results with more than one flat value go through memory).
(component
  (core module $m
    (memory (export "memory") 1)
    (data (i32.const 16) "Hello, ")          ;; 7 bytes
    (global $bump (mut i32) (i32.const 1024))  ;; below 1024: static data

    ;; A bump allocator that grows the memory as needed and never frees
    ;; (every invocation gets a fresh instance).
    (func $realloc (export "cabi_realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
      (local $ptr i32) (local $end i32)
      (local.set $ptr (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $ptr) (local.get $size)))
      (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
        (then
          (if (i32.eq (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16)))
                                                       (i32.const 65535))
                                              (i32.const 16)))
                      (i32.const -1))
            (then (unreachable)))))
      (global.set $bump (local.get $end))
      (if (local.get $old) (then (memory.copy (local.get $ptr) (local.get $old) (local.get $old_size))))
      (local.get $ptr))

    ;; Writes (ptr, len) to a fresh 8-byte return area and returns its address.
    (func $string_result (param $ptr i32) (param $len i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
      (i32.store (local.get $ret) (local.get $ptr))
      (i32.store offset=4 (local.get $ret) (local.get $len))
      (local.get $ret))

    (func (export "greet") (param $name i32) (param $len i32) (result i32)
      (local $out i32)
      ;; "Hello, " + name + "!"
      (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $len) (i32.const 8))))
      (memory.copy (local.get $out) (i32.const 16) (i32.const 7))
      (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $name) (local.get $len))
      (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7))) (i32.const 33)) ;; '!'
      (call $string_result (local.get $out) (i32.add (local.get $len) (i32.const 8))))

    (func (export "echo-string") (param i32 i32) (result i32)
      (call $string_result (local.get 0) (local.get 1)))

    ;; Counts the bytes that do not continue a UTF-8 sequence (10xxxxxx).
    (func (export "count-chars") (param $ptr i32) (param $len i32) (result i32)
      (local $end i32) (local $count i32)
      (local.set $end (i32.add (local.get $ptr) (local.get $len)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
          (if (i32.ne (i32.and (i32.load8_u (local.get $ptr)) (i32.const 0xc0)) (i32.const 0x80))
            (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
          (br $next)))
      (local.get $count)))
  (core instance $i (instantiate $m))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "cabi_realloc" (core func $realloc))

  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $i "greet") (memory $mem) (realloc $realloc)))
  (func (export "echo-string") (param "s" string) (result string)
    (canon lift (core func $i "echo-string") (memory $mem) (realloc $realloc)))
  (func (export "count-chars") (param "s" string) (result u32)
    (canon lift (core func $i "count-chars") (memory $mem) (realloc $realloc))))
