import Differential
import Foundation
import Sandbox

/// `wasmhost-fuzz --differential`: generated modules (ModuleGenerator), and
/// mutants of them and of the corpus, run on Wasmtime and on WasmKit until the
/// time is up; every disagreement is printed and saved to the crash directory.
///
/// Input `i` of seed `S` is the same on every run: a generated module from seed
/// `S ⊕ i`, or (every fourth input) a mutant. While an input runs it is kept in
/// `differential-inflight.wasm`, so a crash of either engine leaves it behind.
struct DifferentialRun {
    let root: String
    let seconds: Double
    let seed: UInt64
    let crashDirectory: String
    /// Only this input: print it and both engines' answers (to reproduce a finding).
    let only: UInt64?

    func run() -> Int32 {
        guard let differential = EngineDifferential(limits: Limits(fuel: 1_000_000, timeoutMilliseconds: 20_000)) else {
            FileHandle.standardError.write(Data("wasmhost-fuzz: --differential needs a build with both engines\n".utf8))
            return 2
        }
        try? FileManager.default.createDirectory(atPath: crashDirectory, withIntermediateDirectories: true)
        let inflight = crashDirectory + "/differential-inflight.wasm"
        let corpus = DifferentialCorpus.all(root: root, specCount: 100).map(\.bytes)
        let started = Date()
        let deadline = started.addingTimeInterval(seconds)
        var generated = 0
        var mutants = 0
        var reported = 0
        var index: UInt64 = only ?? 0
        var lastGenerated: [UInt8] = []
        while only.map({ index == $0 }) ?? (Date() < deadline) {
            let inputSeed = seed ^ (index &* 0x9E37_79B9_7F4A_7C15)
            let origin = "seed \(seed) input \(index)"
            let source: [UInt8]
            var calls: [Call] = []
            if index % 4 == 3 {
                var mutator = Mutator(rng: SplitMix64(seed: inputSeed), maxSize: 1 << 20)
                let pool = lastGenerated.isEmpty ? corpus : corpus + [lastGenerated]
                source = mutator.mutate(pool[mutator.rng.below(pool.count)], others: []).0
                mutants += 1
            } else {
                var generator = ModuleGenerator(seed: inputSeed)
                let module = generator.module()
                source = Array(module.wat.utf8)
                calls = module.calls
                lastGenerated = source
                generated += 1
            }
            _ = FileManager.default.createFile(atPath: inflight, contents: Data(source))
            let entry = differential.add(source, origin: origin)
            if let entry { differential.compareExports(entry, extra: calls, maxExports: 8) }
            if only != nil { show(source, entry: entry, calls: calls, differential: differential) }
            for disagreement in differential.disagreements.dropFirst(reported) {
                print("wasmhost-fuzz: DISAGREEMENT \(disagreement)")
                save(disagreement, source: source, index: index)
            }
            reported = differential.disagreements.count
            index += 1
        }
        try? FileManager.default.removeItem(atPath: inflight)
        let summary = differential.summary
        print("fuzz-differential: seed=\(seed) inputs=\(index) generated=\(generated) mutants=\(mutants) "
            + "seconds=\(Int(Date().timeIntervalSince(started))); \(summary)")
        return summary.disagreements.isEmpty ? 0 : 1
    }

    /// One input and what each engine answered to each call.
    private func show(_ source: [UInt8], entry: EngineDifferential.Entry?, calls: [Call], differential: EngineDifferential) {
        print(ModuleCompiler.isBinary(source) ? "(binary, \(source.count) bytes)" : String(decoding: source, as: UTF8.self))
        guard let entry else { return print("refused by both engines (or differently: see below)") }
        for call in calls + entry.functions.map({ Call(export: $0.name, arguments: $0.params.map(Call.zero)) }) {
            let answers = differential.compare(entry, call)
            print("\(call): wasmtime \(answers[0]) | wasmkit \(answers[1])")
        }
    }

    /// The input as it was given (WAT or binary) plus a note of what differed.
    private func save(_ disagreement: Disagreement, source: [UInt8], index: UInt64) {
        let isBinary = ModuleCompiler.isBinary(source)
        let base = crashDirectory + "/differential-\(seed)-\(index)"
        _ = FileManager.default.createFile(atPath: base + (isBinary ? ".wasm" : ".wat"), contents: Data(source))
        let note = "\(disagreement)\n\nreproduce: wasmhost-fuzz --differential --seed \(seed) (input \(index))\n"
        _ = FileManager.default.createFile(atPath: base + ".md", contents: Data(note.utf8))
    }
}
