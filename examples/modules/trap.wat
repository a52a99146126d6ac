;; trap.wat: every way a guest can fail, for the error paths (422 trap, fuel_exhausted, timeout).
;;   div(i32, i32) -> i32   i32.div_s: div 7 0 traps "integer divide by zero"
;;                          (div -2147483648 -1 traps "integer overflow")
;;   unreachable()          traps "unreachable"
;;   oob() -> i32           loads past the one-page memory: "out of bounds memory access"
;;   recurse(i32) -> i32    calls itself forever: "call stack exhausted"
;;   spin()                 loops forever: stopped by fuel (422 fuel_exhausted) or the
;;                          deadline (504 timeout), e.g. body {"fuel":100000} or {"timeout_ms":200}
;;   memory                 an exported one-page memory
;;   wasmhost run --invoke div examples/modules/trap.wat 7 0
;;   curl -d '{"args":[7,0]}' http://127.0.0.1:8080/v1/modules/trap/invoke/div
;;   curl -d '{"fuel":100000}' http://127.0.0.1:8080/v1/modules/trap/invoke/spin
(module
  (memory (export "memory") 1 1)

  (func (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  (func (export "unreachable")
    unreachable)

  ;; one page is 65536 bytes; address 65536 is the first byte past the end
  (func (export "oob") (result i32)
    (i32.load (i32.const 65536)))

  (func $recurse (export "recurse") (param $n i32) (result i32)
    (i32.add
      (call $recurse (i32.add (local.get $n) (i32.const 1)))
      (i32.const 1)))

  (func (export "spin")
    (loop $forever
      (br $forever))))
