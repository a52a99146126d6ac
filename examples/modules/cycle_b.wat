;; cycle_b.wat: the other half of cycle_a.wat; upload with ?name=cycle-b.
;;   go(x)    = host.invoke("cycle-a", "go", x): closes the cycle-a <-> cycle-b loop (508)
;;   inc(x)   = x + 1, and counts its calls in the global hits
;;   hits(_)  = how many times inc ran in this instance (cycle-a's reuse() shows 2)
;;   curl -d '{"args":[41]}' http://127.0.0.1:8080/v1/modules/cycle-b/invoke/inc    -> [42]
;;   curl -d '{"args":[1]}' http://127.0.0.1:8080/v1/modules/cycle-b/invoke/go      -> 508,
;;     "chain":["cycle-b.go(1)","cycle-a.go(1)","cycle-b.go(1)"]
(module
  (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "cycle-a")   ;; 7 bytes
  (data (i32.const 8) "go")        ;; 2 bytes
  (global $hits (mut i64) (i64.const 0))

  (func (export "go") (param $x i64) (result i64)
    (call $invoke (i32.const 0) (i32.const 7) (i32.const 8) (i32.const 2) (local.get $x)))

  (func (export "inc") (param $x i64) (result i64)
    (global.set $hits (i64.add (global.get $hits) (i64.const 1)))
    (i64.add (local.get $x) (i64.const 1)))

  (func (export "hits") (param i64) (result i64)
    (global.get $hits)))
