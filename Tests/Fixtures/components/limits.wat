;; limits.wat: the sandbox's limits, for components. Upload it under the name `limits`.
;;   spin: func()                     loops forever: fuel_exhausted (or timeout)
;;   grow: func(pages: u32) -> s32    memory.grow: the old size in pages, or -1 past
;;                                    limits.max_memory_bytes (64 MiB by default)
;;   recurse: func(depth: u32) -> u32 recursion to depth: traps "call stack exhausted"
;;                                    when that is too deep
(component
  (core module $m
    (memory 1)
    (func (export "spin") (loop $forever (br $forever)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func $recurse (export "recurse") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get 0) (i32.const 1))))))))
  (core instance $i (instantiate $m))
  (func (export "spin") (canon lift (core func $i "spin")))
  (func (export "grow") (param "pages" u32) (result s32) (canon lift (core func $i "grow")))
  (func (export "recurse") (param "depth" u32) (result u32) (canon lift (core func $i "recurse"))))
