;; countdown.wat: legitimate recursion through host.call, bounded by the depth limit.
;;   down(n) = n == 0 ? 0 : host.call("down", n - 1) + 1
;; Every frame has a different argument, so it is never a repeat; only the depth counts.
;; With the default limits.max_reentrancy_depth of 64 (the root frame counts):
;;   down(10) = 10, down(63) = 63 (64 frames), down(64) -> 508 reentrancy_loop, "reason":"depth"
;;   curl --data-binary @countdown.wat 'http://127.0.0.1:8080/v1/modules?name=countdown'
;;   curl -d '{"args":[63]}' http://127.0.0.1:8080/v1/modules/countdown/invoke/down
(module
  (import "host" "call" (func $call (param i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "down")

  (func (export "down") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 0))
      (else
        (i64.add
          (call $call (i32.const 0) (i32.const 4) (i64.sub (local.get $n) (i64.const 1)))
          (i64.const 1))))))
