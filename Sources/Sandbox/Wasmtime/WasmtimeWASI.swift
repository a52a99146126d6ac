#if WASMHOST_WASMTIME
import CWasmtime
import Foundation
import Synchronization

/// A capped capture of WASI stdout or stderr.
///
/// Wasmtime calls the write callback on a thread of its own and may run the
/// finalizer after the store is deleted, so the callback owns a retained
/// reference (released by the finalizer) and the bytes sit behind a lock.
final class OutputSink: Sendable {
    private let stream = Mutex(CapturedStreams.Stream())
    let cap: Int

    init(cap: Int) { self.cap = cap }

    func append(_ bytes: UnsafeRawBufferPointer) {
        stream.withLock { $0.append(bytes, cap: cap) }
    }

    /// What was written, and whether some was dropped at the cap.
    var captured: (bytes: [UInt8], truncated: Bool) { stream.withLock { ($0.bytes, $0.truncated) } }
}

enum WasmtimeWASI {
    /// A WASI configuration for one store: the request's args, environment and
    /// stdin; stdout and stderr into `stdout`/`stderr`; no preopened directory.
    static func configuration(_ options: WASIOptions, stdout: OutputSink, stderr: OutputSink) -> OpaquePointer? {
        guard let config = wasi_config_new() else { return nil }
        withCStrings(options.args ?? []) { argv in
            _ = argv.withUnsafeMutableBufferPointer { wasi_config_set_argv(config, $0.count, $0.baseAddress) }
        }
        let environment = options.environment.sorted { $0.key < $1.key }
        withCStrings(environment.map(\.key)) { names in
            withCStrings(environment.map(\.value)) { values in
                names.withUnsafeMutableBufferPointer { names in
                    values.withUnsafeMutableBufferPointer { values in
                        _ = wasi_config_set_env(config, names.count, names.baseAddress, values.baseAddress)
                    }
                }
            }
        }
        var stdin = wasm_byte_vec_t()
        options.stdin.withUnsafeBufferPointer { wasm_byte_vec_new(&stdin, $0.count, $0.baseAddress) }
        wasi_config_set_stdin_bytes(config, &stdin)
        wasi_config_set_stdout_custom(config, write, Unmanaged.passRetained(stdout).toOpaque(), release)
        wasi_config_set_stderr_custom(config, write, Unmanaged.passRetained(stderr).toOpaque(), release)
        return config
    }

    /// Every byte is accepted (as on WasmKit); past the cap it is dropped.
    private static let write: wasmhost_output_callback_t = { data, buffer, count in
        guard let data else { return -1 }
        let sink = Unmanaged<OutputSink>.fromOpaque(data).takeUnretainedValue()
        sink.append(UnsafeRawBufferPointer(start: buffer, count: count))
        return count
    }

    private static let release: wasmhost_finalizer_t = { data in
        guard let data else { return }
        Unmanaged<OutputSink>.fromOpaque(data).release()
    }

    /// Lends `strings` as C strings to `body`; they live for the call only.
    private static func withCStrings<R>(
        _ strings: [String], _ body: (inout [UnsafePointer<CChar>?]) -> R
    ) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        return body(&pointers)
    }
}
#endif
