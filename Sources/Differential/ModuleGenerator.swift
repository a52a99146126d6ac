import Sandbox

/// Random valid modules for the engine differential, in the spirit of
/// wasm-smith: typed expression trees over i32, i64, f32 and f64 with traps
/// (division, conversion, bounds, indirect calls), bounded loops, globals,
/// memory loads, stores and growth, multi-value functions calling later ones,
/// `host.log`/`host.output_write`, and `host.call` chains that the reentrancy
/// guard stops by depth or by repeat.
///
/// Nothing it writes exposes a NaN's bits (no float stores, reinterprets or
/// `copysign`): WebAssembly lets engines choose NaN payloads and signs.
public struct ModuleGenerator {
    public var rng: SplitMix64

    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// A module in WAT, and calls with random arguments for its exports.
    public struct Generated: Sendable {
        public let wat: String
        public let calls: [Call]
    }

    enum ValueType: String, CaseIterable {
        case i32, i64, f32, f64
        var isInteger: Bool { self == .i32 || self == .i64 }
        var api: WasmValueType {
            switch self {
            case .i32: .i32
            case .i64: .i64
            case .f32: .f32
            case .f64: .f64
            }
        }
    }

    struct Signature: Equatable {
        var params: [ValueType]
        var results: [ValueType]
        var text: String {
            (params.isEmpty ? "" : " (param " + params.map(\.rawValue).joined(separator: " ") + ")")
                + (results.isEmpty ? "" : " (result " + results.map(\.rawValue).joined(separator: " ") + ")")
        }
    }

    /// What an expression can refer to inside one function.
    struct Scope {
        let index: Int
        var locals: [ValueType]
        var loopCounters = 0
        var labels = 0
    }

    var signatures: [Signature] = []
    var globals: [ValueType] = []
    var tableSize = 0

    public mutating func module() -> Generated {
        let functionCount = 1 + rng.below(5)
        signatures = (0..<functionCount).map { _ in
            Signature(params: (0..<rng.below(4)).map { _ in pick(ValueType.allCases) },
                      results: (0..<rng.below(3)).map { _ in pick(ValueType.allCases) })
        }
        globals = (0..<(1 + rng.below(3))).map { _ in pick(ValueType.allCases) }
        tableSize = functionCount + 1 + rng.below(2)  // the last slots are null
        var lines = [
            "(module",
            "  (import \"host\" \"log\" (func $log (param i32 i32)))",
            "  (import \"host\" \"output_write\" (func $out (param i32 i32)))",
            "  (import \"host\" \"call\" (func $hcall (param i32 i32 i64) (result i64)))",
            "  (memory (export \"memory\") 1 \(1 + rng.below(4)))",
            "  (data (i32.const 0) \"h\")",
            "  (data (i32.const 16) \"" + (0..<(8 + rng.below(40))).map { _ in hexByte(UInt8(truncatingIfNeeded: rng.next())) }.joined() + "\")",
        ]
        for (index, type) in globals.enumerated() {
            lines.append("  (global $g\(index) (mut \(type.rawValue)) \(constant(type)))")
        }
        for (index, signature) in signatures.enumerated() {
            lines.append("  (type $t\(index) (func\(signature.text)))")
        }
        lines.append("  (table \(tableSize) funcref)")
        lines.append("  (elem (i32.const 0) " + (0..<functionCount).map { "$f\($0)" }.joined(separator: " ") + ")")
        for index in 0..<functionCount { lines.append(function(index)) }
        lines.append(hostCallTarget())
        lines.append(")")
        var calls: [Call] = []
        for (index, signature) in signatures.enumerated() {
            for _ in 0..<2 {
                calls.append(Call(export: "f\(index)", arguments: signature.params.map { randomValue($0) }))
            }
        }
        for argument: Int64 in [3, 70, Int64(rng.below(100))] {
            calls.append(Call(export: "h", arguments: [.i64(UInt64(bitPattern: argument))]))
        }
        return Generated(wat: lines.joined(separator: "\n"), calls: calls)
    }

    /// `h(x)`: counts down through `host.call` by 0 (a repeat), 1 or 2 per crossing.
    mutating func hostCallTarget() -> String {
        var scope = Scope(index: signatures.count, locals: [.i64])
        let step = pick([0, 1, 1, 2])
        let extra = expression(.i64, depth: 2, scope: &scope)
        return """
              (func $h (export "h") (param i64) (result i64)
                (if (result i64) (i64.le_s (local.get 0) (i64.const 0))
                  (then (i64.const 7))
                  (else (i64.add (call $hcall (i32.const 0) (i32.const 1) (i64.sub (local.get 0) (i64.const \(step)))) \(extra)))))
            """
    }

    mutating func function(_ index: Int) -> String {
        let signature = signatures[index]
        let extraLocals = (0..<rng.below(4)).map { _ in pick(ValueType.allCases) }
        var scope = Scope(index: index, locals: signature.params + extraLocals)
        var body: [String] = []
        for _ in 0..<(1 + rng.below(5)) { body.append(statement(depth: 3, scope: &scope)) }
        for type in signature.results { body.append(expression(type, depth: 4, scope: &scope)) }
        let locals = (scope.locals.dropFirst(signature.params.count).map(\.rawValue) + Array(repeating: "i32", count: scope.loopCounters))
        let declared = locals.isEmpty ? "" : " (local " + locals.joined(separator: " ") + ")"
        return "  (func $f\(index) (export \"f\(index)\") (type $t\(index))\(declared)\n    "
            + body.joined(separator: "\n    ") + ")"
    }

    // MARK: statements

    mutating func statement(depth: Int, scope: inout Scope) -> String {
        let choice = rng.below(depth > 0 ? 14 : 8)
        switch choice {
        case 0, 1:
            if scope.locals.isEmpty { return "(drop \(expression(.i64, depth: 3, scope: &scope)))" }
            let local = rng.below(scope.locals.count)
            return "(local.set \(local) \(expression(scope.locals[local], depth: 3, scope: &scope)))"
        case 2:
            let global = rng.below(globals.count)
            return "(global.set $g\(global) \(expression(globals[global], depth: 3, scope: &scope)))"
        case 3, 4:
            let (store, type) = pick([("i32.store", ValueType.i32), ("i32.store8", .i32), ("i32.store16", .i32),
                                      ("i64.store", .i64), ("i64.store32", .i64), ("i64.store16", .i64)])
            return "(\(store) \(address(&scope)) \(expression(type, depth: 2, scope: &scope)))"
        case 5:
            let target = pick(["$log", "$out"])
            return "(call \(target) (i32.and \(expression(.i32, depth: 1, scope: &scope)) (i32.const 1023)) "
                + "(i32.and \(expression(.i32, depth: 1, scope: &scope)) (i32.const 63)))"
        case 6:
            return "(drop \(expression(pick(ValueType.allCases), depth: 3, scope: &scope)))"
        case 7:
            return "(drop (memory.grow (i32.const \(rng.below(3)))))"
        case 8, 9:
            let then = statement(depth: depth - 1, scope: &scope)
            let otherwise = statement(depth: depth - 1, scope: &scope)
            return "(if \(expression(.i32, depth: 2, scope: &scope)) (then \(then)) (else \(otherwise)))"
        case 10:
            return loop(depth: depth, scope: &scope)
        case 11:
            return callStatement(scope: &scope)
        case 12:
            return "(drop (call $hcall (i32.const 0) (i32.const 1) (i64.and \(expression(.i64, depth: 1, scope: &scope)) (i64.const 127))))"
        default:
            return rng.chance(30)
                ? "(if \(expression(.i32, depth: 2, scope: &scope)) (then unreachable))"
                : statement(depth: depth - 1, scope: &scope)
        }
    }

    /// A loop run 0–20 times, counted in a local of its own.
    mutating func loop(depth: Int, scope: inout Scope) -> String {
        let counter = scope.locals.count + scope.loopCounters
        scope.loopCounters += 1
        scope.labels += 1
        let label = scope.labels
        var body: [String] = []
        for _ in 0..<(1 + rng.below(3)) { body.append(statement(depth: depth - 1, scope: &scope)) }
        return "(local.set \(counter) (i32.const \(rng.below(21)))) "
            + "(block $b\(label) (loop $l\(label) (br_if $b\(label) (i32.eqz (local.get \(counter)))) "
            + body.joined(separator: " ")
            + " (local.set \(counter) (i32.sub (local.get \(counter)) (i32.const 1))) (br $l\(label))))"
    }

    /// A direct call to a later function, or an indirect one (which may trap:
    /// out of the table, a null slot, or another type), its results dropped.
    mutating func callStatement(scope: inout Scope) -> String {
        let later = laterFunctions(scope)
        if rng.chance(50), let target = later.randomElement(using: &rng) {
            let arguments = signatures[target].params.map { expression($0, depth: 2, scope: &scope) }
            return "(call $f\(target) \(arguments.joined(separator: " ")))"
                + String(repeating: " drop", count: signatures[target].results.count)
        }
        let type = rng.below(signatures.count)
        // An index past this function: a later one (right type or not), a null slot or past the table.
        let slot = scope.index + 1 + rng.below(tableSize + 1 - scope.index)
        let arguments = signatures[type].params.map { expression($0, depth: 2, scope: &scope) }
        return "(call_indirect (type $t\(type)) \(arguments.joined(separator: " ")) (i32.const \(slot)))"
            + String(repeating: " drop", count: signatures[type].results.count)
    }

    /// The functions a function may call directly: later ones, so that every call chain ends.
    func laterFunctions(_ scope: Scope) -> [Int] {
        scope.index + 1 < signatures.count ? Array((scope.index + 1)..<signatures.count) : []
    }

    // MARK: expressions

    mutating func expression(_ type: ValueType, depth: Int, scope: inout Scope) -> String {
        if depth <= 0 || rng.chance(20) { return leaf(type, scope: scope) }
        let t = type.rawValue
        switch rng.below(10) {
        case 0, 1, 2:
            let operators = type.isInteger
                ? ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"]
                : ["add", "sub", "mul", "div", "min", "max"]
            return "(\(t).\(pick(operators)) \(expression(type, depth: depth - 1, scope: &scope)) \(expression(type, depth: depth - 1, scope: &scope)))"
        case 3:
            let operators = type == .i32 ? ["clz", "ctz", "popcnt", "extend8_s", "extend16_s", "eqz"]
                : type == .i64 ? ["clz", "ctz", "popcnt", "extend8_s", "extend16_s", "extend32_s"]
                : ["abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"]
            return "(\(t).\(pick(operators)) \(expression(type, depth: depth - 1, scope: &scope)))"
        case 4:
            return conversion(to: type, depth: depth, scope: &scope)
        case 5:
            return "(\(load(type)) \(address(&scope)))"
        case 6:
            if type == .i32 {
                let operand = pick(ValueType.allCases)
                let operators = operand.isInteger
                    ? ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"] : ["eq", "ne", "lt", "gt", "le", "ge"]
                return "(\(operand.rawValue).\(pick(operators)) \(expression(operand, depth: depth - 1, scope: &scope)) \(expression(operand, depth: depth - 1, scope: &scope)))"
            }
            return "(select \(expression(type, depth: depth - 1, scope: &scope)) \(expression(type, depth: depth - 1, scope: &scope)) \(expression(.i32, depth: depth - 1, scope: &scope)))"
        case 7:
            return "(if (result \(t)) \(expression(.i32, depth: depth - 1, scope: &scope)) (then \(expression(type, depth: depth - 1, scope: &scope))) (else \(expression(type, depth: depth - 1, scope: &scope))))"
        case 8:
            let later = laterFunctions(scope).filter { signatures[$0].results == [type] }
            if let target = later.randomElement(using: &rng) {
                let arguments = signatures[target].params.map { expression($0, depth: depth - 1, scope: &scope) }
                return "(call $f\(target) \(arguments.joined(separator: " ")))"
            }
            if type == .i32 { return rng.chance(50) ? "(memory.size)" : "(memory.grow (i32.const \(rng.below(2))))" }
            return leaf(type, scope: scope)
        default:
            if let local = scope.locals.indices.filter({ scope.locals[$0] == type }).randomElement(using: &rng) {
                return "(local.tee \(local) \(expression(type, depth: depth - 1, scope: &scope)))"
            }
            return leaf(type, scope: scope)
        }
    }

    mutating func conversion(to type: ValueType, depth: Int, scope: inout Scope) -> String {
        switch type {
        case .i32, .i64:
            let source = pick([ValueType.f32, .f64, type == .i32 ? .i64 : .i32])
            let operand = expression(source, depth: depth - 1, scope: &scope)
            if source.isInteger { return type == .i32 ? "(i32.wrap_i64 \(operand))" : "(i64.extend_i32_\(pick(["s", "u"])) \(operand))" }
            return "(\(type.rawValue).\(pick(["trunc", "trunc_sat"]))_\(source.rawValue)_\(pick(["s", "u"])) \(operand))"
        case .f32, .f64:
            let source = pick([ValueType.i32, .i64, type == .f32 ? .f64 : .f32])
            let operand = expression(source, depth: depth - 1, scope: &scope)
            if !source.isInteger { return type == .f32 ? "(f32.demote_f64 \(operand))" : "(f64.promote_f32 \(operand))" }
            return "(\(type.rawValue).convert_\(source.rawValue)_\(pick(["s", "u"])) \(operand))"
        }
    }

    /// Mostly inside the first page (8 bytes from its end); sometimes anywhere.
    mutating func address(_ scope: inout Scope) -> String {
        let raw = expression(.i32, depth: 2, scope: &scope)
        return rng.chance(85) ? "(i32.and \(raw) (i32.const 65520))" : raw
    }

    mutating func load(_ type: ValueType) -> String {
        switch type {
        case .i32: pick(["i32.load", "i32.load8_s", "i32.load8_u", "i32.load16_s", "i32.load16_u"])
        case .i64: pick(["i64.load", "i64.load8_u", "i64.load16_s", "i64.load32_s", "i64.load32_u"])
        case .f32: "f32.load"
        case .f64: "f64.load"
        }
    }

    mutating func leaf(_ type: ValueType, scope: Scope) -> String {
        switch rng.below(3) {
        case 0:
            if let local = scope.locals.indices.filter({ scope.locals[$0] == type }).randomElement(using: &rng) {
                return "(local.get \(local))"
            }
        case 1:
            if let global = globals.indices.filter({ globals[$0] == type }).randomElement(using: &rng) {
                return "(global.get $g\(global))"
            }
        default: break
        }
        return constant(type)
    }

    static let integers: [Int64] = [0, 1, -1, 2, 7, 31, 32, 63, 64, 255, 65535, 65536, 2_147_483_647, -2_147_483_648,
                                    4_294_967_295, 9_223_372_036_854_775_807, -9_223_372_036_854_775_808]
    static let floats = ["0", "-0", "1", "-1", "0.5", "-2.5", "0.1", "3.4028235e+38", "1e-45", "2147483648",
                         "-2147483649", "4294967296", "9.2233720368547758e18", "nan", "inf", "-inf", "123456.789"]

    mutating func constant(_ type: ValueType) -> String {
        switch type {
        case .i32: "(i32.const \(Int32(truncatingIfNeeded: integer())))"
        case .i64: "(i64.const \(integer()))"
        case .f32: "(f32.const \(pick(Self.floats)))"
        case .f64: "(f64.const \(pick(Self.floats + ["1e300", "-4.9e-324"])))"
        }
    }

    mutating func integer() -> Int64 {
        rng.chance(70) ? pick(Self.integers) : Int64(bitPattern: rng.next()) >> Int64(rng.below(64))
    }

    mutating func randomValue(_ type: ValueType) -> WasmValue {
        switch type {
        case .i32: .i32(UInt32(truncatingIfNeeded: integer()))
        case .i64: .i64(UInt64(bitPattern: integer()))
        case .f32: .f32(Float(Double(integer()) / 3).bitPattern)
        case .f64: .f64((Double(integer()) / 7).bitPattern)
        }
    }

    mutating func pick<T>(_ options: [T]) -> T { options[rng.below(options.count)] }

    func hexByte(_ byte: UInt8) -> String {
        "\\" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }
}
