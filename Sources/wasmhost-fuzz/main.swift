// wasmhost-fuzz: mutated modules through the upload path, which must never crash.
//
//   wasmhost-fuzz --replay PATH... [--mutations N] [--seed S] [--spec N]
//       every input file under PATH (a WAT file also as its assembled binary), then N
//       deterministic mutants of them; used by `make test` (corpus + regressions)
//   wasmhost-fuzz --seconds N [--corpus PATH...] [--seed S] [--spec N]
//       time-boxed mutation fuzzing (seeds: examples/modules, Tests/Fixtures and N
//       spec-suite modules; the regressions are for --replay)
//   wasmhost-fuzz --differential --seconds N [--seed S] [--index I]
//       generated modules and mutants on Wasmtime and WasmKit side by side; every
//       disagreement is printed and saved to --crash-dir (`make fuzz-differential`);
//       --index I shows input I of seed S and both engines' answers
//   wasmhost-fuzz --run FILE...        one input at a time, in this process (reproduce a crash)
//   wasmhost-fuzz --libfuzzer [libFuzzer flags] [CORPUS_DIR...]
//       coverage-guided libFuzzer, in a build made with
//       `-Xswiftc -sanitize=fuzzer -Xswiftc -DWASMHOST_LIBFUZZER`
//
// Each input goes through ModuleCompiler.binary(from:) and compile(binary:id:);
// an accepted one is stored with ModuleStore.put in a temp dir, described through
// the service's GET /v1/modules/{id}, and each function export is invoked twice
// through Invoker.run with a small fuel budget (the two rounds must agree: no
// state survives an invocation). A child process runs the inputs; when it dies
// the input it was on is saved to --crash-dir (default scripts/reliability/crashes)
// with a note, and a new child carries on after it. Broken promises that do not
// crash (a 500, a path in an error detail, state that survived) are saved there
// as finding-*. Exit status: 0 clean, 1 crashes or findings, 2 no libFuzzer,
// 64 usage (ArgumentParser's).
import ArgumentParser
import Foundation
import Glibc
import Logging
import Sandbox

LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }

/// The command line (parsed by ArgumentParser; `main.swift` runs it).
struct FuzzOptions: ParsableCommand {
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Replay every input under these paths (a WAT file also as its assembled binary).", valueName: "path"))
    var replay: [String] = []
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Seed paths for --seconds (default: examples/modules and Tests/Fixtures).", valueName: "path"))
    var corpus: [String] = []
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Run these inputs one at a time in this process (reproduce a crash).", valueName: "file"))
    var run: [String] = []
    @Option(help: "With --replay: deterministic mutants of the inputs to run after them.")
    var mutations = 0
    @Option(help: "Time-boxed mutation fuzzing for this many seconds.")
    var seconds: Double?
    @Option(help: .hidden)
    var deadline: Double?
    @Option(help: "Seed of the mutations (--replay: 1; --seconds: the clock).")
    var seed: UInt64?
    @Option(help: "Spec-suite modules to add to the seeds (--seconds: 300 when not given).")
    var spec: Int?
    @Option(help: "The repository root.")
    var root = FileManager.default.currentDirectoryPath
    @Option(name: .customLong("crash-dir"), help: "Where crashing inputs and findings are saved (default: <root>/scripts/reliability/crashes).")
    var crashDirectory: String?
    @Option(name: .customLong("hang-seconds"), help: "A child silent for this long is a hang.")
    var hangSeconds = 30.0
    @Option(name: .customLong("max-crashes"), help: "Stop after this many crashes.")
    var maxCrashes = 20
    @Flag(name: .customLong("in-process"), help: "Run the inputs in this process, without a supervisor.")
    var inProcess = false
    @Flag(help: "Generated modules and mutants on Wasmtime and WasmKit, compared (`make fuzz-differential`).")
    var differential = false
    @Option(help: "With --differential: only this input of the seed, printed with both engines' answers.")
    var index: UInt64?
    @Flag(help: .hidden)
    var worker = false
    @Option(help: .hidden)
    var state = ""
    @Option(help: .hidden)
    var resume = 0
    @Option(help: .hidden)
    var generation = 1

    static let configuration = CommandConfiguration(
        commandName: "wasmhost-fuzz",
        abstract: "Mutated modules through the upload path, which must never crash.",
        discussion: "Also: wasmhost-fuzz --libfuzzer [libFuzzer flags] [CORPUS_DIR...] in a build made with -Xswiftc -sanitize=fuzzer -Xswiftc -DWASMHOST_LIBFUZZER.")

    func validate() throws {
        if replay.isEmpty && seconds == nil && deadline == nil && run.isEmpty && !differential {
            throw ValidationError("give --replay PATH..., --seconds N or --run FILE...")
        }
        if mutations < 0 { throw ValidationError("--mutations must be 0 or more") }
        if let seconds, seconds <= 0 { throw ValidationError("--seconds must be positive") }
        if hangSeconds <= 0 { throw ValidationError("--hang-seconds must be positive") }
        if maxCrashes < 1 { throw ValidationError("--max-crashes must be at least 1") }
    }
}

/// Everything the inputs come from, in a fixed order.
func seeds(_ options: FuzzOptions, target: FuzzTarget) -> [Seed] {
    let assemble: ([UInt8]) -> [UInt8]? = { try? target.compiler.binary(from: $0) }
    if options.seconds == nil && options.deadline == nil {
        var list = Corpus.load(options.replay, assemble: assemble)
        if let count = options.spec, count > 0, let directory = Corpus.defaultSpecDirectory(repository: options.root) {
            list += Corpus.spec(directory: directory, count: count)
        }
        return list
    }
    let root = options.root
    let paths = options.corpus.isEmpty
        // Not the regressions: they crash until fixed, and their mutants would find the same bug again and again.
        ? ["\(root)/examples/modules", "\(root)/Tests/Fixtures"]
            .filter { FileManager.default.fileExists(atPath: $0) }
        : options.corpus
    var list = Corpus.load(paths, assemble: assemble)
    if let directory = Corpus.defaultSpecDirectory(repository: root) {
        list += Corpus.spec(directory: directory, count: options.spec ?? 300)
    }
    return list
}

/// Runs `body` on a thread with the daemon's 8 MiB worker stack and waits for it.
func onWorkerStack(_ body: @escaping @Sendable () -> Int32) -> Int32 {
    final class Box: @unchecked Sendable {
        // Safety: written by the thread before the semaphore signals, read after the wait.
        var code: Int32 = 0
    }
    let box = Box()
    let finished = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.code = body()
        finished.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    finished.wait()
    return box.code
}

let arguments = Array(CommandLine.arguments.dropFirst())

#if WASMHOST_LIBFUZZER
// libFuzzer's -fork and -jobs modes run this binary again with libFuzzer's own
// flags only (single dash): anything that is not one of our `--` modes is libFuzzer's.
if arguments.first == "--libfuzzer" {
    exit(runLibFuzzer(Array(arguments.dropFirst())))
} else if !(arguments.first?.hasPrefix("--") ?? false) {
    exit(runLibFuzzer(arguments))
}
#else
if arguments.first == "--libfuzzer" {
    FileHandle.standardError.write(Data(
        "wasmhost-fuzz: this build has no libFuzzer; build with -Xswiftc -sanitize=fuzzer -Xswiftc -DWASMHOST_LIBFUZZER\n".utf8))
    exit(2)
}
#endif

let options = FuzzOptions.parseOrExit(arguments)
let crashDirectory = options.crashDirectory ?? "\(options.root)/scripts/reliability/crashes"

if options.differential {
    let run = DifferentialRun(
        root: options.root, seconds: options.seconds ?? 45, seed: options.seed ?? 1, crashDirectory: crashDirectory,
        only: options.index)
    exit(onWorkerStack { run.run() })
}

if options.worker || options.inProcess || !options.run.isEmpty {
    // Runs the inputs here (the supervisor's child, or by hand).
    let code = onWorkerStack {
        let target: FuzzTarget
        do { target = try FuzzTarget() } catch {
            FileHandle.standardError.write(Data("wasmhost-fuzz: cannot open a temp store: \(error)\n".utf8))
            return 2
        }
        defer { target.close() }
        if !options.run.isEmpty {
            var bad = 0
            for path in Corpus.files(options.run) {
                guard let bytes = Corpus.read(path) else { continue }
                let verdict = target.run(bytes)
                if case .finding = verdict { bad += 1 }
                print("\(path): \(verdict)")
            }
            return bad == 0 ? 0 : 1
        }
        let state = options.worker ? options.state : NSTemporaryDirectory()
        let worker = Worker(target: target, seeds: seeds(options, target: target), stateDirectory: state,
                            crashDirectory: crashDirectory)
        let deadline = options.deadline.map { Date(timeIntervalSince1970: $0) }
            ?? options.seconds.map { Date().addingTimeInterval($0) }
        if let deadline {
            let seed = (options.seed ?? UInt64(Date().timeIntervalSince1970 * 1000)) &+ UInt64(options.generation - 1)
            worker.fuzz(until: deadline, seed: seed, runSeeds: options.generation == 1)
        } else {
            worker.replay(startingAt: options.resume, mutations: options.mutations, seed: options.seed ?? 1)
        }
        if !options.worker { print("fuzz: \(worker.stats.line)") }
        return 0
    }
    exit(code)
}

// The supervisor: children run the inputs; a child that dies is reported and replaced.
var workerArguments = ["--root", options.root, "--crash-dir", crashDirectory]
let started = Date()
if let seconds = options.seconds {
    // Every child (a new one after each crash) works until the same deadline.
    workerArguments += ["--deadline", String(started.timeIntervalSince1970 + seconds)]
    if !options.corpus.isEmpty { workerArguments += ["--corpus"] + options.corpus }
} else {
    workerArguments += ["--replay"] + options.replay + ["--mutations", String(options.mutations)]
}
if let seed = options.seed { workerArguments += ["--seed", String(seed)] }
if let spec = options.spec { workerArguments += ["--spec", String(spec)] }

let supervisor = Supervisor(
    executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path,
    workerArguments: workerArguments, crashDirectory: crashDirectory,
    hangSeconds: options.hangSeconds, maxCrashes: options.maxCrashes, countsFromResume: options.seconds == nil)
let outcome = supervisor.run()
let elapsed = Date().timeIntervalSince(started)
let rate = Double(outcome.stats.executions) / max(elapsed, 0.001)
let totals = outcome.stats
print("fuzz: executions=\(totals.executions) accepted=\(totals.accepted) rejected=\(totals.rejected) "
    + "invocations=\(totals.invocations) findings=\(totals.findings) slowest_ms=\(Int(totals.slowest * 1000)) slow_inputs=\(totals.slow) crashes=\(outcome.signatures.values.reduce(0, +)) distinct_crashes=\(outcome.signatures.count) seconds=\(Int(elapsed)) execs_per_second=\(Int(rate))")
for crash in outcome.crashes { print("fuzz: crash input saved: \(crash)") }
for (signature, count) in outcome.signatures.sorted(by: { $0.value > $1.value }) {
    print("fuzz: crash signature (\(count)x): \(signature)")
}
if outcome.stats.findings > 0 { print("fuzz: \(outcome.stats.findings) finding(s) saved in \(crashDirectory)") }
exit(outcome.signatures.isEmpty && outcome.stats.findings == 0 ? 0 : 1)
