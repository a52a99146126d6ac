import CLibPQ

/// The rows of a result, copied out of libpq's memory. `nil` is SQL NULL.
struct PGRows: Sendable {
    let rows: [[[UInt8]?]]

    init(_ result: OpaquePointer) {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[[UInt8]?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [[UInt8]?] = []
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                    continue
                }
                let length = Int(PQgetlength(result, row, column))
                let start = PQgetvalue(result, row, column)
                values.append(start.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? [])
            }
            rows.append(values)
        }
        self.rows = rows
    }

    /// The text of column `column` in row `row`, or nil for NULL or no such row.
    func text(_ row: Int, _ column: Int) -> String? {
        guard row < rows.count, column < rows[row].count, let bytes = rows[row][column] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The integer in column `column` of row `row`, read from its text form.
    func integer(_ row: Int, _ column: Int) -> Int? {
        text(row, column).flatMap { Int($0) }
    }

    var isEmpty: Bool { rows.isEmpty }
    var count: Int { rows.count }
}
