import Foundation
@_spi(Fuzzing) import WasmKit

/// An instance kept for reuse, with its own store and the snapshot it is reset to.
///
/// The snapshot is taken right after instantiation (start function included):
/// the contents of every memory and the value of every mutable global,
/// non-exported ones included (the rewritten module exports them under reserved
/// names). Tables cannot change in a recyclable module (see ``StateScan``).
final class PooledInstance: @unchecked Sendable {
    // Safety: used by one invocation at a time; it moves between worker threads
    // only through the pool's lock, which orders every access.
    let store: Store
    let instance: Instance
    let binding: HostBinding
    private let memories: [Memory]
    private let globals: [Global]
    private let memorySnapshots: [[UInt8]]
    private let globalSnapshots: [Value]

    /// Instantiates the rewritten module in `store`, which already carries the
    /// invocation's fuel budget and deadline: the start function runs here.
    init(module: CompiledModule, rewritten: Module, store: Store, context: InvocationContext) throws {
        self.store = store
        binding = HostBinding()
        try context.bind(binding, module: module)
        let created = try rewritten.instantiate(store: store, imports: binding.imports(for: module, store: store))
        let exports = created.exports
        let memories = (0..<module.info.memoryCount).compactMap { exports[memory: ModuleRewriter.memoryExport($0)] }
        let globals = module.info.mutableGlobalIndices.compactMap { exports[global: ModuleRewriter.globalExport($0)] }
        instance = created
        self.memories = memories
        self.globals = globals
        memorySnapshots = memories.map { memory in
            memory.byteCount == 0 ? [] : memory.withUnsafeBufferPointer(offset: 0, count: memory.byteCount) { Array($0) }
        }
        globalSnapshots = globals.map(\.value)
    }

    /// True when a memory grew: such an instance cannot be restored in place.
    var memoryGrew: Bool {
        zip(memories, memorySnapshots).contains { $0.byteCount != $1.count }
    }

    /// Restores memories and mutable globals to the snapshot.
    ///
    /// Memory is compared in 4 KiB chunks and only chunks that differ are
    /// copied back: a call usually touches a few pages (stack, a buffer), and
    /// comparing reads each byte once while a full copy writes every page.
    func reset() throws {
        for (memory, snapshot) in zip(memories, memorySnapshots) where !snapshot.isEmpty {
            memory.withUnsafeMutableBufferPointer(offset: 0, count: snapshot.count) { live in
                snapshot.withUnsafeBytes { saved in
                    Self.restore(live, from: saved)
                }
            }
        }
        for (global, value) in zip(globals, globalSnapshots) where global.value != value {
            try global.assign(value)
        }
    }

    static let chunk = 4096

    static func restore(_ live: UnsafeMutableRawBufferPointer, from saved: UnsafeRawBufferPointer) {
        guard let target = live.baseAddress, let source = saved.baseAddress else { return }
        var offset = 0
        let count = min(live.count, saved.count)
        while offset < count {
            let length = min(chunk, count - offset)
            if memcmp(target + offset, source + offset, length) != 0 {
                (target + offset).copyMemory(from: source + offset, byteCount: length)
            }
            offset += length
        }
    }
}
