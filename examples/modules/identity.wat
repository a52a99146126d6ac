;; identity.wat: one identity export per value type, for the JSON value conversions.
;;   id_i32 id_i64 id_f32 id_f64 id_v128 id_funcref id_externref
;;   wasmhost run --invoke id_i64 examples/modules/identity.wat 18446744073709551615   -> [-1]
;;   wasmhost run --invoke id_f32 examples/modules/identity.wat 0.1                    -> [0.1]
;;   wasmhost run --invoke id_f64 examples/modules/identity.wat -0.0                   -> [-0.0]
;;   wasmhost run --invoke id_f64 examples/modules/identity.wat '{"bits":"0x7ff8000000000001"}'
;;   wasmhost run --invoke id_v128 examples/modules/identity.wat 0x000102030405060708090a0b0c0d0e0f
;;   curl -d '{"args":[null]}' http://127.0.0.1:8080/v1/modules/identity/invoke/id_externref
(module
  (func (export "id_i32") (param i32) (result i32) (local.get 0))
  (func (export "id_i64") (param i64) (result i64) (local.get 0))
  (func (export "id_f32") (param f32) (result f32) (local.get 0))
  (func (export "id_f64") (param f64) (result f64) (local.get 0))
  (func (export "id_v128") (param v128) (result v128) (local.get 0))
  (func (export "id_funcref") (param funcref) (result funcref) (local.get 0))
  (func (export "id_externref") (param externref) (result externref) (local.get 0)))
