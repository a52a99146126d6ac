;; fib.wat: iterative Fibonacci on i64, fib(0)=0, fib(1)=1, fib(90)=2880067194370816120.
;; Shows exact 64-bit integer results (beyond 2^53, so never through a double).
;;   wasmhost run --invoke fib examples/modules/fib.wat 90          -> {"results":[2880067194370816120],...}
;;   curl -d '{"args":[90]}' http://127.0.0.1:8080/v1/modules/fib/invoke/fib
;; Past fib(92) the value wraps around as i64 arithmetic does.
(module
  (func (export "fib") (param $n i64) (result i64)
    (local $a i64) (local $b i64) (local $t i64)
    (local.set $a (i64.const 0))
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        ;; while n > 0 (unsigned): (a, b) = (b, a + b); n -= 1
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (local.get $a)))
