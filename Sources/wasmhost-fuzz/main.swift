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
// as finding-*. Exit status: 0 clean, 1 crashes or findings, 2 usage.
import Foundation
import Glibc
import Logging
import Sandbox

LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }

struct Options {
    var replay: [String] = []
    var corpus: [String] = []
    var run: [String] = []
    var mutations = 0
    var seconds: Double?
    /// Worker only: the time-boxed run's end (seconds since 1970).
    var deadline: Double?
    var seed: UInt64?
    var spec: Int?
    var root = FileManager.default.currentDirectoryPath
    var crashDirectory: String?
    var hangSeconds = 30.0
    var maxCrashes = 20
    var inProcess = false
    var worker = false
    var state = ""
    var resume = 0
    var generation = 1
    var libFuzzer = false
    var differential = false
    var index: UInt64?
}

func usage() -> Never {
    FileHandle.standardError.write(Data("""
        usage: wasmhost-fuzz --replay PATH... [--mutations N] [--seed S] [--spec N]
               wasmhost-fuzz --seconds N [--corpus PATH...] [--seed S] [--spec N]
               wasmhost-fuzz --differential --seconds N [--seed S] [--index I]
               wasmhost-fuzz --run FILE...
               wasmhost-fuzz --libfuzzer [libFuzzer flags] [CORPUS_DIR...]
        common: [--root DIR] [--crash-dir DIR] [--hang-seconds N] [--max-crashes N] [--in-process]

        """.utf8))
    exit(2)
}

func parse(_ arguments: [String]) -> Options {
    var options = Options()
    var rest = arguments[...]
    func value() -> String {
        guard let next = rest.popFirst() else { usage() }
        return next
    }
    func paths() -> [String] {
        var found: [String] = []
        while let next = rest.first, !next.hasPrefix("--") {
            found.append(next)
            rest.removeFirst()
        }
        return found
    }
    while let flag = rest.popFirst() {
        switch flag {
        case "--replay": options.replay += paths()
        case "--corpus": options.corpus += paths()
        case "--run": options.run += paths()
        case "--mutations": options.mutations = Int(value()) ?? 0
        case "--seconds": options.seconds = Double(value())
        case "--deadline": options.deadline = Double(value())
        case "--seed": options.seed = UInt64(value())
        case "--spec": options.spec = Int(value())
        case "--root": options.root = value()
        case "--crash-dir": options.crashDirectory = value()
        case "--hang-seconds": options.hangSeconds = Double(value()) ?? 30
        case "--max-crashes": options.maxCrashes = Int(value()) ?? 20
        case "--in-process": options.inProcess = true
        case "--differential": options.differential = true
        case "--index": options.index = UInt64(value())
        case "--worker": options.worker = true
        case "--state": options.state = value()
        case "--resume": options.resume = Int(value()) ?? 0
        case "--generation": options.generation = Int(value()) ?? 1
        case "--help", "-h": usage()
        default:
            FileHandle.standardError.write(Data("wasmhost-fuzz: unknown argument \(flag)\n".utf8))
            usage()
        }
    }
    if options.replay.isEmpty && options.seconds == nil && options.deadline == nil && options.run.isEmpty
        && !options.differential
    {
        usage()
    }
    return options
}

/// Everything the inputs come from, in a fixed order.
func seeds(_ options: Options, target: FuzzTarget) -> [Seed] {
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

let options = parse(arguments)
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
