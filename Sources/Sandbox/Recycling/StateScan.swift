import WasmParser

/// Decides at load time whether instances of a module can be recycled.
///
/// A recycled instance is restored by copying back its memories and mutable
/// globals. Tables and segments cannot be restored through WasmKit's API, so a
/// module whose code can change them (`table.set`, `table.grow`, `table.fill`,
/// `table.copy`, `table.init`, `elem.drop`, `data.drop`) runs on a fresh
/// instance every time.
enum StateScan {
    struct Visitor: InstructionVisitor {
        typealias VisitorError = Never
        var binaryOffset = 0
        var changesUnrestorableState = false

        mutating func visitTableSet(table: UInt32) { changesUnrestorableState = true }
        mutating func visitTableGrow(table: UInt32) { changesUnrestorableState = true }
        mutating func visitTableFill(table: UInt32) { changesUnrestorableState = true }
        mutating func visitTableCopy(dstTable: UInt32, srcTable: UInt32) { changesUnrestorableState = true }
        mutating func visitTableInit(elemIndex: UInt32, table: UInt32) { changesUnrestorableState = true }
        mutating func visitElemDrop(elemIndex: UInt32) { changesUnrestorableState = true }
        mutating func visitDataDrop(dataIndex: UInt32) { changesUnrestorableState = true }
    }

    /// True when none of `bodies` can change tables or drop segments (a body
    /// that does not decode counts as changing them: it never runs anyway).
    static func onlyMemoryAndGlobalsChange(_ bodies: [Code]) -> Bool {
        var visitor = Visitor()
        do {
            for body in bodies {
                var expression = ExpressionParser(code: body)
                while let visit = try expression.parse() {
                    visit(visitor: &visitor)
                    if visitor.changesUnrestorableState { return false }
                }
            }
        } catch {
            return false
        }
        return true
    }
}
