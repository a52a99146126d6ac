;; wasi_command.wat: a WASI 0.2 command (it exports wasi:cli/run@0.2.0), hand-written.
;; Upload it under the name `wasi-command` and invoke `run` (or
;; `wasi:cli/run@0.2.0#run`). It
;;   - writes "hello from wasi:cli/run" and then its arguments after the first,
;;     one per line, to stdout;
;;   - writes "warning: this line goes to stderr" to stderr;
;;   - exits with the code given as its first argument (after the program name),
;;     read as a decimal number: none or 0 returns ok from run (exit code 0),
;;     1 calls exit(err) (exit code 1), anything else exit-with-code(n mod 256).
;;   {"wasi": {"args": ["prog", "3", "x"]}} -> stdout "hello from wasi:cli/run\n3\nx\n", exit_code 3
(component $root
  ;; The WASI interfaces it uses, declared with only the members it calls.
  (import "wasi:io/error@0.2.0" (instance $io-error (export "error" (type (sub resource)))))
  (alias export $io-error "error" (type $error))
  (import "wasi:io/streams@0.2.0" (instance $streams
    (export "output-stream" (type $output-stream (sub resource)))
    (alias outer $root $error (type $error'))
    (type $stream-error' (variant (case "last-operation-failed" (own $error')) (case "closed")))
    (export "stream-error" (type $stream-error (eq $stream-error')))
    (export "[method]output-stream.blocking-write-and-flush"
      (func (param "self" (borrow $output-stream)) (param "contents" (list u8))
            (result (result (error $stream-error)))))))
  (alias export $streams "output-stream" (type $output-stream))
  (import "wasi:cli/stdout@0.2.0" (instance $stdout (export "get-stdout" (func (result (own $output-stream))))))
  (import "wasi:cli/stderr@0.2.0" (instance $stderr (export "get-stderr" (func (result (own $output-stream))))))
  (import "wasi:cli/environment@0.2.0" (instance $environment
    (export "get-arguments" (func (result (list string))))))
  (import "wasi:cli/exit@0.2.0" (instance $exit
    (export "exit" (func (param "status" (result))))
    (export "exit-with-code" (func (param "status-code" u8)))))

  ;; Memory and allocator live in their own core module, so that the WASI
  ;; functions can be lowered into it before the main module is instantiated.
  (core module $libc
    (memory (export "memory") 1)
    (global $bump (mut i32) (i32.const 1024))
    (func (export "cabi_realloc") (param i32 i32 i32) (param $size i32) (result i32)
      (local $ptr i32)
      (local.set $ptr (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
      (global.set $bump (i32.add (local.get $ptr) (local.get $size)))
      (local.get $ptr)))
  (core instance $libc (instantiate $libc))
  (alias core export $libc "memory" (core memory $mem))
  (alias core export $libc "cabi_realloc" (core func $realloc))

  (core func $get-stdout (canon lower (func $stdout "get-stdout")))
  (core func $get-stderr (canon lower (func $stderr "get-stderr")))
  (core func $write (canon lower (func $streams "[method]output-stream.blocking-write-and-flush") (memory $mem)))
  (core func $get-arguments (canon lower (func $environment "get-arguments") (memory $mem) (realloc $realloc)))
  (core func $exit (canon lower (func $exit "exit")))
  (core func $exit-with-code (canon lower (func $exit "exit-with-code")))

  (core module $main
    (import "env" "memory" (memory 1))
    (import "wasi" "get-stdout" (func $get-stdout (result i32)))
    (import "wasi" "get-stderr" (func $get-stderr (result i32)))
    (import "wasi" "write" (func $write-raw (param i32 i32 i32 i32)))
    (import "wasi" "get-arguments" (func $get-arguments (param i32)))
    (import "wasi" "exit" (func $exit (param i32)))
    (import "wasi" "exit-with-code" (func $exit-with-code (param i32)))
    (data (i32.const 16) "hello from wasi:cli/run\n")            ;; 24 bytes
    (data (i32.const 48) "warning: this line goes to stderr\n")  ;; 34 bytes
    (data (i32.const 96) "\n")
    ;; 112: the return area of a write (result<_, stream-error>, 12 bytes)
    ;; 128: the return area of get-arguments (ptr, len)

    (func $write (param $stream i32) (param $ptr i32) (param $len i32)
      (call $write-raw (local.get $stream) (local.get $ptr) (local.get $len) (i32.const 112)))

    ;; Reads a decimal number from the string at ptr (stops at the first non-digit).
    (func $parse (param $ptr i32) (param $len i32) (result i32)
      (local $n i32) (local $digit i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $len)))
          (local.set $digit (i32.sub (i32.load8_u (local.get $ptr)) (i32.const 48)))
          (br_if $done (i32.ge_u (local.get $digit) (i32.const 10)))
          (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $digit)))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
          (local.set $len (i32.sub (local.get $len) (i32.const 1)))
          (br $next)))
      (local.get $n))

    (func (export "run") (result i32)
      (local $stdout i32) (local $args i32) (local $count i32) (local $i i32) (local $code i32)
      (local.set $stdout (call $get-stdout))
      (call $write (local.get $stdout) (i32.const 16) (i32.const 24))
      (call $write (call $get-stderr) (i32.const 48) (i32.const 34))
      ;; the arguments: a list of (ptr, len) strings
      (call $get-arguments (i32.const 128))
      (local.set $args (i32.load (i32.const 128)))
      (local.set $count (i32.load (i32.const 132)))
      (local.set $i (i32.const 1))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
          (call $write (local.get $stdout)
            (i32.load (i32.add (local.get $args) (i32.shl (local.get $i) (i32.const 3))))
            (i32.load offset=4 (i32.add (local.get $args) (i32.shl (local.get $i) (i32.const 3)))))
          (call $write (local.get $stdout) (i32.const 96) (i32.const 1))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (if (i32.ge_u (local.get $count) (i32.const 2))
        (then (local.set $code (call $parse (i32.load offset=8 (local.get $args))
                                            (i32.load offset=12 (local.get $args))))))
      (if (i32.eq (local.get $code) (i32.const 1)) (then (call $exit (i32.const 1))))
      (if (i32.gt_u (local.get $code) (i32.const 1))
        (then (call $exit-with-code (i32.and (local.get $code) (i32.const 255)))))
      (i32.const 0)))  ;; ok
  (core instance $wasi
    (export "get-stdout" (func $get-stdout))
    (export "get-stderr" (func $get-stderr))
    (export "write" (func $write))
    (export "get-arguments" (func $get-arguments))
    (export "exit" (func $exit))
    (export "exit-with-code" (func $exit-with-code)))
  (core instance $main (instantiate $main
    (with "env" (instance $libc))
    (with "wasi" (instance $wasi))))

  (func $run (result (result)) (canon lift (core func $main "run")))
  (instance $run-instance (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $run-instance)))
