import Sandbox

/// A component's description members (API.md, "Components"): its functions with
/// WIT types, the named types, imports and the WIT text of its world.
enum ComponentDescriptionJSON {
    static func members(_ description: ComponentDescription) -> [(String, JSONValue)] {
        [
            ("kind", .string("component")),
            ("exports", .array(description.functions.map { function(description, $0) })),
            ("types", .object(description.types.map { ($0.name, .string(WITText.structure($0.type, naming: description))) })),
            ("imports", .array(description.imports.map { .string($0) })),
            ("wit", .string(WITText.world(description))),
        ]
    }

    private static func function(_ description: ComponentDescription, _ function: ComponentDescription.Function) -> JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(function.name)), ("kind", .string("func"))]
        if function.notCallableReason != nil { members.append(("callable", .bool(false))) }
        members.append(("params", .array(function.params.map {
            .object([("name", .string($0.name)), ("type", .string(description.display($0.type)))])
        })))
        members.append(("result", function.result.map { .string(description.display($0)) } ?? .null))
        if let reason = function.notCallableReason { members.append(("detail", .string(reason))) }
        return .object(members)
    }
}
