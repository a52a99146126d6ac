import Differential
import Foundation
import Glibc
import ModuleStore

/// Counters shared by the worker and the supervisor (through the stats file).
struct Stats {
    var executions = 0
    var accepted = 0
    var rejected = 0
    var findings = 0
    var invocations = 0
    var slowest = 0.0
    /// Inputs that took over 5 s (saved as slow-*; not failures).
    var slow = 0
    var done = false

    var line: String {
        "executions=\(executions) accepted=\(accepted) rejected=\(rejected) findings=\(findings) "
            + "invocations=\(invocations) slowest_ms=\(Int(slowest * 1000)) slow=\(slow) done=\(done ? 1 : 0)"
    }

    init() {}

    init(line: String) {
        for pair in line.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = String(parts[1])
            switch parts[0] {
            case "executions": executions = Int(value) ?? 0
            case "accepted": accepted = Int(value) ?? 0
            case "rejected": rejected = Int(value) ?? 0
            case "findings": findings = Int(value) ?? 0
            case "invocations": invocations = Int(value) ?? 0
            case "slowest_ms": slowest = Double(value).map { $0 / 1000 } ?? 0
            case "slow": slow = Int(value) ?? 0
            case "done": done = value == "1"
            default: break
            }
        }
    }

    mutating func add(_ other: Stats) {
        executions += other.executions
        accepted += other.accepted
        rejected += other.rejected
        findings += other.findings
        invocations += other.invocations
        slowest = max(slowest, other.slowest)
        slow += other.slow
    }
}

/// Writes and reads the "current input" file: before each execution the worker
/// records the input there, so that if the process dies the supervisor knows
/// which input killed it. Layout: index (8 bytes LE), origin length (4 bytes LE),
/// origin (UTF-8), input bytes.
enum CurrentInput {
    static func encode(index: Int, origin: String, input: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(index).littleEndian) { bytes += $0 }
        let originBytes = Array(origin.utf8.prefix(1000))
        withUnsafeBytes(of: UInt32(originBytes.count).littleEndian) { bytes += $0 }
        return bytes + originBytes + input
    }

    static func decode(_ bytes: [UInt8]) -> (index: Int, origin: String, input: [UInt8])? {
        guard bytes.count >= 12 else { return nil }
        let index = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        let length = Int(bytes[8..<12].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
        guard bytes.count >= 12 + length else { return nil }
        let origin = String(decoding: bytes[12..<(12 + length)], as: UTF8.self)
        return (Int(index), origin, Array(bytes[(12 + length)...]))
    }
}

func hexDigest(_ bytes: [UInt8]) -> String {
    ModuleStore.id(of: bytes)
}

/// Saves an input that crashed, hung or broke a promise, with a note beside it.
func saveArtifact(kind: String, input: [UInt8], note: String, directory: String) -> String {
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let isBinary = input.starts(with: [0x00, 0x61, 0x73, 0x6D])
    let base = "\(directory)/\(kind)-\(hexDigest(input).prefix(16))"
    let path = base + (isBinary ? ".wasm" : ".wat")
    _ = FileManager.default.createFile(atPath: path, contents: Data(input))
    let text = note + "\nreproduce: .build/debug/wasmhost-fuzz --run \(path)\n"
    _ = FileManager.default.createFile(atPath: base + ".txt", contents: Data(text.utf8))
    return path
}

/// The process that runs inputs: replay of a fixed list (plus deterministic
/// mutants of it), or time-boxed mutation fuzzing with a growing corpus.
final class Worker {
    let target: FuzzTarget
    let seeds: [Seed]
    let stateDirectory: String
    let crashDirectory: String
    var stats = Stats()
    private var currentFD: Int32 = -1
    private var seenFindings: Set<String> = []
    private var lastStatsWrite = Date.distantPast

    init(target: FuzzTarget, seeds: [Seed], stateDirectory: String, crashDirectory: String) {
        self.target = target
        self.seeds = seeds
        self.stateDirectory = stateDirectory
        self.crashDirectory = crashDirectory
        currentFD = open(stateDirectory + "/current", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }

    deinit { if currentFD >= 0 { close(currentFD) } }

    private func record(index: Int, origin: String, input: [UInt8]) {
        guard currentFD >= 0 else { return }
        let bytes = CurrentInput.encode(index: index, origin: origin, input: input)
        _ = bytes.withUnsafeBytes { pwrite(currentFD, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(currentFD, off_t(bytes.count))
    }

    func writeStats(force: Bool = false) {
        guard force || Date().timeIntervalSince(lastStatsWrite) > 0.5 else { return }
        lastStatsWrite = Date()
        let path = stateDirectory + "/stats"
        _ = FileManager.default.createFile(atPath: path + ".new", contents: Data(stats.line.utf8))
        rename(path + ".new", path)
    }

    /// Runs one input; findings are saved at once (the process lives on).
    @discardableResult
    func execute(index: Int, origin: String, input: [UInt8]) -> Verdict {
        record(index: index, origin: origin, input: input)
        let started = Date()
        let verdict = target.run(input)
        let elapsed = Date().timeIntervalSince(started)
        stats.executions += 1
        if elapsed > stats.slowest { stats.slowest = elapsed }
        switch verdict {
        case .rejected: stats.rejected += 1
        case .accepted(let invoked):
            stats.accepted += 1
            stats.invocations += invoked * 2
        case .finding(let message):
            stats.findings += 1
            // One saved input per kind of finding (digits, quotes and positions vary).
            let kind = String(message.filter { !$0.isNumber }.prefix(70))
            if seenFindings.insert(kind).inserted {
                let path = saveArtifact(kind: "finding", input: input, note: "finding: \(message)\norigin: \(origin)",
                                        directory: crashDirectory)
                FileHandle.standardError.write(Data("wasmhost-fuzz: FINDING \(message.prefix(300)) -> \(path)\n".utf8))
            }
        }
        if elapsed > 5 {
            stats.slow += 1
            _ = saveArtifact(kind: "slow", input: input, note: "took \(Int(elapsed)) s\norigin: \(origin)",
                             directory: crashDirectory)
        }
        writeStats()
        return verdict
    }

    /// Replay: every seed, then `mutations` deterministic mutants (mutant i comes
    /// from its own generator, so a restart at index i reproduces the same list).
    func replay(startingAt start: Int, mutations: Int, seed: UInt64) {
        let total = seeds.count + mutations
        var index = start
        while index < total {
            if index < seeds.count {
                execute(index: index, origin: seeds[index].origin, input: seeds[index].bytes)
            } else {
                let (input, origin) = mutant(index - seeds.count, seed: seed)
                execute(index: index, origin: origin, input: input)
            }
            index += 1
        }
        stats.done = true
        writeStats(force: true)
    }

    private func mutant(_ number: Int, seed: UInt64) -> ([UInt8], String) {
        var mutator = Mutator(rng: SplitMix64(seed: seed &* 0x100_0000_01B3 ^ UInt64(number) &* 0x9E37_79B9), maxSize: 4 << 20)
        let base = seeds[mutator.rng.below(seeds.count)]
        let (bytes, steps) = mutator.mutate(base.bytes, others: seeds.map(\.bytes))
        return (bytes, "mutant \(number) of \(base.origin) [\(steps)] seed=\(seed)")
    }

    /// Time-boxed fuzzing: seeds first, then mutants of a corpus that keeps
    /// accepted mutants (they reach instantiation and invocation).
    func fuzz(until deadline: Date, seed: UInt64, runSeeds: Bool) {
        var corpus = seeds.map(\.bytes)
        var origins = seeds.map(\.origin)
        var index = 0
        if runSeeds {
            for entry in seeds where Date() < deadline {
                execute(index: index, origin: entry.origin, input: entry.bytes)
                index += 1
            }
        }
        var mutator = Mutator(rng: SplitMix64(seed: seed), maxSize: 4 << 20)
        while Date() < deadline {
            let pick = mutator.rng.below(corpus.count)
            let (input, steps) = mutator.mutate(corpus[pick], others: corpus)
            let verdict = execute(index: index, origin: "fuzz seed=\(seed) #\(index) of \(origins[pick]) [\(steps)]", input: input)
            // Keep mutants that reached invocation: they explore instantiation and execution.
            if case .accepted(let invoked) = verdict, invoked > 0, input.count < (1 << 20) {
                if corpus.count < 4096 {
                    corpus.append(input)
                    origins.append("mutant #\(index)")
                } else {
                    let slot = seeds.count + mutator.rng.below(corpus.count - seeds.count)
                    corpus[slot] = input
                    origins[slot] = "mutant #\(index)"
                }
            }
            index += 1
        }
        stats.done = true
        writeStats(force: true)
    }
}
