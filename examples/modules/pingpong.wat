;; pingpong.wat: an import <-> export loop that the reentrancy guard stops.
;;   ping(x) = host.call("pong", x);  pong(x) = host.call("ping", x)
;; Both pass the same argument on, so the third entry repeats the first while it is
;; still running: 508 reentrancy_loop, "reason":"repeat",
;; "chain":["pingpong.ping(1)","pingpong.pong(1)","pingpong.ping(1)"].
;;   curl --data-binary @pingpong.wat 'http://127.0.0.1:8080/v1/modules?name=pingpong'
;;   curl -d '{"args":[1]}' http://127.0.0.1:8080/v1/modules/pingpong/invoke/ping
;;   (or examples/curl/reentrancy.sh)
(module
  (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "ping")
  (data (i32.const 4) "pong")

  (func (export "ping") (param $x i64) (result i64)
    (call $call (i32.const 4) (i32.const 4) (local.get $x)))   ;; "pong"

  (func (export "pong") (param $x i64) (result i64)
    (call $call (i32.const 0) (i32.const 4) (local.get $x))))  ;; "ping"
