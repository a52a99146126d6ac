import CStackBounds

/// One entry into a guest export.
struct Frame: Hashable {
    let moduleID: String
    let export: String
    let arguments: [WasmValue]
    /// A component entry's arguments (``arguments`` is then empty).
    var componentArguments: [ComponentValue] = []

    /// `ARGS` of the chain's `LABEL.EXPORT(ARGS)`.
    var argumentsLabel: String {
        componentArguments.isEmpty
            ? arguments.map(\.label).joined(separator: ", ")
            : componentArguments.map(\.label).joined(separator: ", ")
    }
}

/// The chain of guest entries of one invocation: the root call, then every
/// `host.call` and `host.invoke` still running.
///
/// Entering a frame equal to one on the chain is a loop (`repeat`); a chain
/// deeper than the limit, or a native stack running low, is one too (`depth`).
/// Either way the guard throws ``ReentrancyTrip``, which no guest can catch.
struct ReentrancyGuard {
    let maxDepth: Int
    let stack: NativeStack
    private(set) var chain: [Frame] = []
    /// The frames on the chain, so that a repeat is found in constant time at any
    /// depth. Filled at the first crossing: most invocations never cross, and
    /// hashing the root frame would be their only use of it.
    private var onChain: Set<Frame> = []
    private var tracking = false
    /// Crossings host→guest so far (root excluded), for metrics.
    private(set) var crossings = 0

    init(maxDepth: Int, stack: NativeStack) {
        self.maxDepth = maxDepth
        self.stack = stack
    }

    /// Pushes `frame`, or throws when entering it would be a loop.
    /// - Parameter label: names a module id for the chain (first name or short id).
    /// - Parameter exclusive: the frame's module is a component, whose one instance
    ///   cannot be entered again while it runs: any frame of it on the chain is a repeat.
    mutating func enter(_ frame: Frame, exclusive: Bool = false, label: (String) -> String) throws(ReentrancyTrip) {
        if chain.isEmpty && maxDepth >= 1 && stack.hasRoom() {
            // The root: there is nothing on the chain it could repeat.
            chain.append(frame)
            return
        }
        if !chain.isEmpty { crossings += 1 }
        if !tracking {
            onChain = Set(chain)
            tracking = true
        }
        let reason: LoopReason?
        if onChain.contains(frame) || (exclusive && chain.contains { $0.moduleID == frame.moduleID }) {
            reason = .repeatedFrame
        } else if chain.count + 1 > maxDepth || !stack.hasRoom() {
            reason = .depth
        } else {
            reason = nil
        }
        if let reason {
            let labels = (chain + [frame]).map { frame in
                "\(label(frame.moduleID)).\(frame.export)(\(frame.argumentsLabel))"
            }
            throw ReentrancyTrip(reason: reason, chain: labels)
        }
        chain.append(frame)
        onChain.insert(frame)
    }

    /// Pops the innermost frame.
    mutating func exit() {
        if let frame = chain.popLast(), tracking { onChain.remove(frame) }
    }
}

/// The current thread's native stack, read once per invocation.
///
/// Each host→guest crossing uses native stack that WasmKit does not bound; the
/// guard refuses a crossing when less than `reserve` bytes are left.
struct NativeStack {
    let lowestAddress: UInt
    let reserve: Int

    /// Reads the bounds of the calling thread's stack.
    init(reserve: Int) {
        self.reserve = reserve
        var base: UnsafeMutableRawPointer?
        var size = 0
        lowestAddress = wh_current_thread_stack(&base, &size) == 0 ? UInt(bitPattern: base) : 0
    }

    /// Bytes between the current stack pointer and the end of the stack.
    @inline(never)
    func remaining() -> Int {
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        guard lowestAddress > 0, here > lowestAddress else { return .max }
        return Int(here - lowestAddress)
    }

    func hasRoom() -> Bool { remaining() > reserve }
}
