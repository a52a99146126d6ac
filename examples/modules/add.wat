;; add.wat: the smallest useful module, one export add(i32, i32) -> i32.
;;   wasmhost run --invoke add examples/modules/add.wat 1 2        -> {"results":[3],...}
;;   curl --data-binary @add.wat 'http://127.0.0.1:8080/v1/modules?name=calc'
;;   curl -d '{"args":[1,2]}' http://127.0.0.1:8080/v1/modules/calc/invoke/add
;; i32 arithmetic wraps: add(2147483647, 1) = -2147483648.
(module
  (func (export "add") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add))
