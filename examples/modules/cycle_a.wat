;; cycle_a.wat: cross-module calls with host.invoke; upload with ?name=cycle-a next to
;; cycle_b.wat uploaded with ?name=cycle-b.
;;   go(x)     = host.invoke("cycle-b", "go", x); cycle-b's go invokes cycle-a's go with the
;;               same x: a two-module cycle, 508 reentrancy_loop "reason":"repeat",
;;               "chain":["cycle-a.go(1)","cycle-b.go(1)","cycle-a.go(1)"]
;;   twice(x)  = invoke("cycle-b", "inc", x) + invoke("cycle-b", "inc", x) = 2x + 2.
;;               The same frame entered twice one after the other is not a loop.
;;   reuse(x)  = calls cycle-b's inc twice, then returns cycle-b's hits(0): how many times
;;               inc ran in cycle-b's instance. 2, because one instance per module per
;;               invocation is reused for every call into it.
;;   curl --data-binary @cycle_a.wat 'http://127.0.0.1:8080/v1/modules?name=cycle-a'
;;   curl --data-binary @cycle_b.wat 'http://127.0.0.1:8080/v1/modules?name=cycle-b'
;;   curl -d '{"args":[1]}' http://127.0.0.1:8080/v1/modules/cycle-a/invoke/go      -> 508
;;   curl -d '{"args":[5]}' http://127.0.0.1:8080/v1/modules/cycle-a/invoke/twice   -> [12]
;;   curl -d '{"args":[5]}' http://127.0.0.1:8080/v1/modules/cycle-a/invoke/reuse   -> [2]
(module
  (import "host" "invoke" (func $invoke (param i32 i32 i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "cycle-b")   ;; 7 bytes
  (data (i32.const 8) "go")        ;; 2 bytes
  (data (i32.const 16) "inc")      ;; 3 bytes
  (data (i32.const 24) "hits")     ;; 4 bytes

  (func (export "go") (param $x i64) (result i64)
    (call $invoke (i32.const 0) (i32.const 7) (i32.const 8) (i32.const 2) (local.get $x)))

  (func $inc (param $x i64) (result i64)
    (call $invoke (i32.const 0) (i32.const 7) (i32.const 16) (i32.const 3) (local.get $x)))

  (func (export "twice") (param $x i64) (result i64)
    (i64.add (call $inc (local.get $x)) (call $inc (local.get $x))))

  (func (export "reuse") (param $x i64) (result i64)
    (drop (call $inc (local.get $x)))
    (drop (call $inc (local.get $x)))
    (call $invoke (i32.const 0) (i32.const 7) (i32.const 24) (i32.const 4) (i64.const 0))))
