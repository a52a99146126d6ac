;; resources.wat: a function whose type holds a resource handle, which cannot
;; cross JSON. Upload it under the name `resources`.
;; The interface example:demo/files:
;;   resource file
;;   open: func(path: string) -> own<file>    (listed with "callable": false;
;;                                             invoking it is 400 bad_args)
;;   close: func(f: own<file>)                (the same, for a parameter)
;; and at the top level, callable:
;;   version: func() -> u32                   (1)
(component
  (type $file (resource (rep i32)))
  (core func $file.new (canon resource.new $file))
  (core module $m
    (import "res" "new" (func $new (param i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
    (func (export "open") (param i32 i32) (result i32) (call $new (local.get 1)))
    (func (export "close") (param i32))
    (func (export "version") (result i32) (i32.const 1)))
  (core instance $res (export "new" (func $file.new)))
  (core instance $i (instantiate $m (with "res" (instance $res))))
  (alias core export $i "memory" (core memory $mem))
  (alias core export $i "cabi_realloc" (core func $realloc))

  (func $open (param "path" string) (result (own $file))
    (canon lift (core func $i "open") (memory $mem) (realloc $realloc)))
  (func $close (param "f" (own $file)) (canon lift (core func $i "close")))
  (instance $files
    (export "file" (type $file))
    (export "open" (func $open))
    (export "close" (func $close)))
  (export "example:demo/files" (instance $files))
  (func (export "version") (result u32) (canon lift (core func $i "version"))))
