import Testing
@testable import Sandbox

/// A request may only lower the configured fuel and timeout.
@Suite(.timeLimit(.minutes(3)))
struct LimitsTests {
    static let configured = Limits(fuel: 1_000, timeoutMilliseconds: 500)

    @Test(arguments: [
        (nil, nil, 1_000 as UInt64, 500),
        (10, nil, 10, 500),
        (nil, 20, 1_000, 20),
        (5_000, 9_000, 1_000, 500),
        (0, 0, 0, 0),
        (1_000, 500, 1_000, 500),
        (.max, -5, 1_000, 0),
    ] as [(UInt64?, Int?, UInt64, Int)])
    func loweredClampsToTheConfiguredLimits(fuel: UInt64?, timeout: Int?, expectedFuel: UInt64, expectedTimeout: Int) {
        let limits = Self.configured.lowered(fuel: fuel, timeoutMilliseconds: timeout)
        #expect(limits.fuel == expectedFuel)
        #expect(limits.timeoutMilliseconds == expectedTimeout)
    }

    @Test func loweringLeavesEveryOtherLimitAlone() {
        let configured = Limits(fuel: 9, timeoutMilliseconds: 9, maxMemoryBytes: 1 << 16, maxTableElements: 3,
                                maxOutputBytes: 7, maxReentrancyDepth: 5)
        let lowered = configured.lowered(fuel: 1, timeoutMilliseconds: 1)
        #expect(lowered == Limits(fuel: 1, timeoutMilliseconds: 1, maxMemoryBytes: 1 << 16, maxTableElements: 3,
                                  maxOutputBytes: 7, maxReentrancyDepth: 5))
    }

    // That the defaults are the documented ones is ConfigurationDocsTests' job
    // (config/wasmhost.yaml and the README against ConfigurationKey.all).
    @Test(arguments: SandboxEngine.available)
    func theDefaultConfigurationPassesItsOwnStartUpChecks(engine: SandboxEngine) {
        let configuration = SandboxConfiguration(engine: engine)
        #expect(configuration.stackBudgetProblem() == nil)
        #expect(configuration.engineProblem() == nil)
    }

    @Test(arguments: [(64, 8 << 20, true), (1_000, 8 << 20, false), (10, 256 << 10, false), (1, 1 << 20, true)])
    func theStackBudgetCheckRefusesDepthsTheWorkerStackCannotHold(depth: Int, stack: Int, fits: Bool) {
        let configuration = SandboxConfiguration(
            limits: Limits(maxReentrancyDepth: depth), workerStackBytes: stack, engine: .wasmkit)
        let problem = configuration.stackBudgetProblem()
        #expect((problem == nil) == fits)
        if let problem {
            #expect(problem.contains("limits.max_reentrancy_depth"))
            #expect(problem.contains("sandbox.worker_stack_bytes"))
        }
    }

    /// On Wasmtime each crossing also needs its wasm stack: host.call nests in one
    /// store (max_wasm_stack must hold the chain), host.invoke gets a fresh budget
    /// per store (the worker stack must hold it below the deepest crossing).
    @Test(arguments: [
        (64, 8 << 20, 2 << 20, nil), (100, 8 << 20, 2 << 20, "sandbox.max_wasm_stack_bytes"),
        (64, 3 << 20, 2 << 20, "sandbox.worker_stack_bytes"), (200, 16 << 20, 5 << 20, nil),
    ] as [(Int, Int, Int, String?)])
    func onWasmtimeTheWasmStackCountsToo(depth: Int, stack: Int, wasmStack: Int, key: String?) {
        let configuration = SandboxConfiguration(
            limits: Limits(maxReentrancyDepth: depth), workerStackBytes: stack, engine: .wasmtime, maxWasmStackBytes: wasmStack)
        let problem = configuration.stackBudgetProblem()
        #expect((problem == nil) == (key == nil))
        if let key, let problem { #expect(problem.contains(key)) }
    }
}
