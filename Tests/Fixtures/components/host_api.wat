;; host_api.wat: imports the host interface wasmhost:host/api@1.0.0
;; (Sources/Sandbox/Resources/wasmhost-host.wit). Upload it under the name `host-api`.
;;   log-lines: func(lines: list<string>) -> u32
;;       calls log once per line (the answer's `logs`), returns the count
;;   call: func(module: string, export: string, args-json: string) -> result<string, string>
;;       passes its arguments to the host's invoke and returns its answer unchanged:
;;       call("compound", "sum", "[[1,2]]") -> {"tag":"ok","val":"[3]"}
(component
  (import "wasmhost:host/api@1.0.0" (instance $api
    (export "log" (func (param "message" string)))
    (export "invoke" (func (param "module" string) (param "export" string) (param "args-json" string)
                           (result (result string (error string)))))))

  ;; Memory and allocator first, so that the host functions can be lowered into it.
  (core module $libc
    (memory (export "memory") 16)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "cabi_realloc") (param i32 i32 i32) (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $ptr) (local.get $size)))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))
  (core func $log (canon lower (func $api "log") (memory $mem)))
  (core func $invoke (canon lower (func $api "invoke") (memory $mem) (realloc $realloc)))

  (core module $main
    (import "env" "memory" (memory 1))
    (import "env" "cabi_realloc" (func $alloc (param i32 i32 i32 i32) (result i32)))
    (import "host" "log" (func $log (param i32 i32)))
    ;; the six string halves, then where to store result<string, string>
    (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i32 i32 i32)))

    (func (export "log-lines") (param $ptr i32) (param $count i32) (result i32)
      (local $i i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          (call $log (i32.load (local.get $ptr)) (i32.load offset=4 (local.get $ptr)))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 8)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $count))

    ;; The host stores the result (tag at 0, string ptr 4, len 8) in the same
    ;; layout as this function's own result: hand that area back.
    (func (export "call") (param i32 i32 i32 i32 i32 i32) (result i32)
      (local $ret i32)
      (local.set $ret (call $alloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 12)))
      (call $invoke (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)
                    (local.get $ret))
      (local.get $ret)))
  (core instance $main (instantiate $main
    (with "env" (instance $libc))
    (with "host" (instance (export "log" (func $log)) (export "invoke" (func $invoke))))))

  (func (export "log-lines") (param "lines" (list string)) (result u32)
    (canon lift (core func $main "log-lines") (memory $mem) (realloc $realloc)))
  (func (export "call") (param "module" string) (param "export" string) (param "args-json" string)
                        (result (result string (error string)))
    (canon lift (core func $main "call") (memory $mem) (realloc $realloc))))
