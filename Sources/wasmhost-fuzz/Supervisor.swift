import Foundation
import Glibc

/// Runs the worker in a child process and survives its crashes: when the child
/// dies (signal, Swift runtime trap) or stops making progress, the input it was
/// on is saved to the crash directory and a new child carries on after it.
struct Supervisor {
    let executable: String
    /// Arguments every worker gets (mode, seeds, budgets).
    let workerArguments: [String]
    let crashDirectory: String
    /// A child whose current input has not changed for this long is killed as hung.
    let hangSeconds: Double
    /// Stop after this many crashes (a crash on every input would loop forever).
    let maxCrashes: Int
    /// Replay: input indexes continue across children (resume); fuzzing restarts them at 0.
    let countsFromResume: Bool

    struct Outcome {
        var stats = Stats()
        var crashes: [String] = []
        /// Distinct crash signatures (first project or WasmKit frame) and how often each was hit.
        var signatures: [String: Int] = [:]
        var restarts = 0
    }

    /// "function at file:line" of the first frame of the crashed thread that is not
    /// the Swift runtime, plus the fatal error message; equal signatures are one bug.
    static func signature(of log: String) -> String {
        let lines = log.split(separator: "\n").map(String.init)
        let message = lines.first { $0.contains("Fatal error") || $0.hasPrefix("Fatal error") }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let crashed = lines.firstIndex(where: { $0.contains("crashed:") }) else { return message.isEmpty ? "unknown" : message }
        for line in lines[(crashed + 1)...].prefix(40) where line.contains(" at /") {
            if line.contains("libswiftCore") { continue }
            // "  3 [ra]  0x... Function + 286 in binary at /path/File.swift:115:15"
            let parts = line.components(separatedBy: " at ")
            let location = parts.last.map { ($0 as NSString).lastPathComponent } ?? ""
            var function = parts.first ?? ""
            if let range = function.range(of: #"0x[0-9a-f]+ "#, options: .regularExpression) {
                function = String(function[range.upperBound...])
            }
            if let plus = function.range(of: " + ") { function = String(function[..<plus.lowerBound]) }
            return "\(function) at \(location)" + (message.isEmpty ? "" : " [\(message)]")
        }
        return message.isEmpty ? "unknown" : message
    }

    func run() -> Outcome {
        var outcome = Outcome()
        let state = NSTemporaryDirectory() + "wasmhost-fuzz-state-\(getpid())"
        try? FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: state) }
        var resume = 0
        var generation = 0
        while true {
            generation += 1
            let stderrPath = state + "/stderr"
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            unlink(state + "/stats")
            unlink(state + "/current")
            let child = Process()
            child.executableURL = URL(fileURLWithPath: executable)
            child.arguments = workerArguments + [
                "--worker", "--state", state, "--resume", String(resume), "--generation", String(generation),
            ]
            child.standardError = FileHandle(forWritingAtPath: stderrPath)
            do { try child.run() } catch {
                FileHandle.standardError.write(Data("wasmhost-fuzz: cannot start worker: \(error)\n".utf8))
                return outcome
            }
            var hung = false
            while child.isRunning {
                usleep(100_000)
                if let changed = modified(state + "/current"), Date().timeIntervalSince(changed) > hangSeconds {
                    hung = true
                    kill(child.processIdentifier, SIGKILL)
                }
            }
            child.waitUntilExit()
            var stats = (try? String(contentsOfFile: state + "/stats", encoding: .utf8)).map(Stats.init(line:)) ?? Stats()
            let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            // Findings and notes the worker printed go on to our stderr.
            for line in log.split(separator: "\n") where line.hasPrefix("wasmhost-fuzz:") {
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            let crashed = hung || child.terminationReason == .uncaughtSignal || child.terminationStatus != 0 || !stats.done
            guard crashed else {
                outcome.stats.add(stats)
                return outcome
            }

            let current = (FileManager.default.contents(atPath: state + "/current")).map { Array($0) } ?? []
            guard let (index, origin, input) = CurrentInput.decode(current) else {
                FileHandle.standardError.write(Data(
                    "wasmhost-fuzz: worker died (status \(child.terminationStatus)) before any input:\n\(log.suffix(2000))\n".utf8))
                outcome.crashes.append("worker died at start-up")
                return outcome
            }
            // The stats file lags; the index says how far this child got.
            stats.executions = max(stats.executions, index - (countsFromResume ? resume : 0) + 1)
            outcome.stats.add(stats)
            let signature = hung ? "hang" : Self.signature(of: log)
            outcome.signatures[signature, default: 0] += 1
            resume = index + 1
            outcome.restarts += 1
            if outcome.signatures[signature, default: 0] > 1 {
                // A bug already saved: note it and carry on.
                FileHandle.standardError.write(Data("wasmhost-fuzz: CRASH again: \(signature)\n    input: \(origin)\n".utf8))
                if outcome.restarts >= maxCrashes * 10 { return outcome }
                continue
            }
            let how = hung
                ? "hung: no progress for \(Int(hangSeconds)) s"
                : (child.terminationReason == .uncaughtSignal
                    ? "killed by signal \(child.terminationStatus) (\(signalName(child.terminationStatus)))"
                    : "exited with status \(child.terminationStatus)")
            // The crashed thread's frames, not the idle threads around it.
            let lines = log.split(separator: "\n", omittingEmptySubsequences: false)
            let crashedAt = lines.firstIndex { $0.contains("crashed:") } ?? max(0, lines.count - 60)
            let head = lines.prefix(3).joined(separator: "\n")
            let tail = head + "\n...\n" + lines[crashedAt...].prefix(60).joined(separator: "\n")
            let path = saveArtifact(
                kind: hung ? "hang" : "crash", input: input,
                note: "\(how)\nsignature: \(signature)\norigin: \(origin)\ninput index: \(index)\n\n--- worker stderr (tail) ---\n\(tail)",
                directory: crashDirectory)
            FileHandle.standardError.write(Data("wasmhost-fuzz: CRASH (\(how)) \(signature)\n    input: \(origin) -> \(path)\n".utf8))
            outcome.crashes.append(path)
            if outcome.crashes.count >= maxCrashes {
                FileHandle.standardError.write(Data("wasmhost-fuzz: \(maxCrashes) crashes; stopping\n".utf8))
                return outcome
            }
        }
    }

    private func modified(_ path: String) -> Date? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }

    private func signalName(_ number: Int32) -> String {
        switch number {
        case SIGSEGV: "SIGSEGV"
        case SIGBUS: "SIGBUS"
        case SIGILL: "SIGILL, a Swift runtime trap"
        case SIGTRAP: "SIGTRAP, a Swift runtime trap"
        case SIGABRT: "SIGABRT"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        default: "signal \(number)"
        }
    }
}
