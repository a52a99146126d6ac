;; invalid.wat: component text that assembles but does not validate: a u32 function
;; lifted from a core function taking i64. Uploading it is 422 invalid_module (the
;; engine's message); upload it under the name `invalid`.
(component
  (core module $m (func (export "f") (param i64) (result i64) (local.get 0)))
  (core instance $i (instantiate $m))
  (func (export "f") (param "x" u32) (result u32) (canon lift (core func $i "f"))))
