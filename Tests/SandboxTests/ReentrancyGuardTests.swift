import Testing
@testable import Sandbox

/// The chain of guest entries: repeat vs depth, and the `LABEL.EXPORT(ARGS)` labels.
@Suite(.timeLimit(.minutes(3)))
struct ReentrancyGuardTests {
    static func frame(_ module: String, _ export: String, _ arguments: [WasmValue] = [.i64(1)]) -> Frame {
        Frame(moduleID: module, export: export, arguments: arguments)
    }

    static func label(_ id: String) -> String { id == "m1" ? "calc" : String(id.prefix(2)) }

    static func trip(_ guardian: inout ReentrancyGuard, _ frame: Frame) -> ReentrancyTrip? {
        do {
            try guardian.enter(frame, label: label)
            return nil
        } catch {
            return error
        }
    }

    @Test func reenteringTheSameFrameIsARepeatWithTheChain() {
        var guardian = ReentrancyGuard(maxDepth: 64, stack: NativeStack(reserve: 0))
        #expect(Self.trip(&guardian, Self.frame("m1", "ping")) == nil)
        #expect(Self.trip(&guardian, Self.frame("m1", "pong")) == nil)
        let trip = Self.trip(&guardian, Self.frame("m1", "ping"))
        #expect(trip?.reason == .repeatedFrame)
        #expect(trip?.chain == ["calc.ping(1)", "calc.pong(1)", "calc.ping(1)"])
        #expect(guardian.chain.count == 2, "a refused frame is not pushed")
    }

    @Test func aDifferentArgumentOrModuleIsNotARepeat() {
        var guardian = ReentrancyGuard(maxDepth: 64, stack: NativeStack(reserve: 0))
        #expect(Self.trip(&guardian, Self.frame("m1", "f", [.i64(1)])) == nil)
        #expect(Self.trip(&guardian, Self.frame("m1", "f", [.i64(2)])) == nil)
        #expect(Self.trip(&guardian, Self.frame("m2", "f", [.i64(1)])) == nil)
        #expect(guardian.crossings == 2)
    }

    @Test func theRootCountsTowardTheDepthAndTheNextEntryPastTheLimitTrips() {
        var guardian = ReentrancyGuard(maxDepth: 3, stack: NativeStack(reserve: 0))
        for argument in 0..<3 { #expect(Self.trip(&guardian, Self.frame("m1", "down", [.i64(UInt64(argument))])) == nil) }
        let trip = Self.trip(&guardian, Self.frame("m1", "down", [.i64(3)]))
        #expect(trip?.reason == .depth)
        #expect(trip?.chain == ["calc.down(0)", "calc.down(1)", "calc.down(2)", "calc.down(3)"])
    }

    @Test func whenAnEntryIsBothARepeatAndTooDeepTheReasonIsRepeat() {
        var guardian = ReentrancyGuard(maxDepth: 2, stack: NativeStack(reserve: 0))
        #expect(Self.trip(&guardian, Self.frame("m1", "a")) == nil)
        #expect(Self.trip(&guardian, Self.frame("m1", "b")) == nil)
        #expect(Self.trip(&guardian, Self.frame("m1", "a"))?.reason == .repeatedFrame)
    }

    @Test func exitPopsSoTheSameFrameMayRunAgainAfterItReturned() {
        var guardian = ReentrancyGuard(maxDepth: 2, stack: NativeStack(reserve: 0))
        #expect(Self.trip(&guardian, Self.frame("m1", "root")) == nil)
        for _ in 0..<5 {
            #expect(Self.trip(&guardian, Self.frame("m1", "leaf")) == nil)
            guardian.exit()
        }
        #expect(guardian.chain.map(\.export) == ["root"])
        #expect(guardian.crossings == 5)
    }

    @Test func aNativeStackRunningLowTripsAsDepth() {
        var guardian = ReentrancyGuard(maxDepth: 64, stack: NativeStack(reserve: Int.max - 1))
        #expect(Self.trip(&guardian, Self.frame("m1", "f"))?.reason == .depth)
    }

    @Test(arguments: [
        ([WasmValue](), "calc.f()"),
        ([.i32(0xFFFF_FFFF), .i64(7)], "calc.f(-1, 7)"),
        ([.f32(0x3DCC_CCCD), .f64(0x8000_0000_0000_0000)], "calc.f(0.1, -0.0)"),
        ([.f32(0x7FC0_0000), .f64(0xFFF0_0000_0000_0000)], "calc.f(nan, -inf)"),
        ([.v128([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 255])], "calc.f(0x000102030405060708090a0b0c0d0eff)"),
        ([.ref(.funcref, nil), .ref(.externref, 4)], "calc.f(null, ref:4)"),
    ])
    func labelsAreLabelExportAndArgumentsJoinedByCommaSpace(arguments: [WasmValue], label: String) {
        var guardian = ReentrancyGuard(maxDepth: 1, stack: NativeStack(reserve: 0))
        #expect(Self.trip(&guardian, Self.frame("m1", "f", arguments)) == nil)
        #expect(Self.trip(&guardian, Self.frame("m1", "f", arguments))?.chain.last == label)
    }

    @Test func aModuleWithoutANameIsLabelledByItsShortID() {
        var guardian = ReentrancyGuard(maxDepth: 1, stack: NativeStack(reserve: 0))
        #expect(Self.trip(&guardian, Self.frame("ab0123", "f")) == nil)
        #expect(Self.trip(&guardian, Self.frame("ab0123", "g"))?.chain == ["ab.f(1)", "ab.g(1)"])
    }
}
