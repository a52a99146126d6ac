/// The registry's tables, created and migrated at start.
///
/// Migrations are numbered and applied in order inside one transaction that
/// holds an advisory lock, so replicas starting together apply each exactly
/// once; `wasmhost_schema` records the versions applied. A replica meeting a
/// newer schema than it knows refuses to start rather than guess.
enum Schema {
    /// The `NOTIFY` channel carrying changes: `module <id>` or `name <name>`.
    static let channel = "wasmhost_registry"

    /// Key of the advisory lock held while migrating (any constant unique to wasmhost).
    static let migrationLock = "7311853120155893"

    /// Migration `n` is `migrations[n - 1]`. Append only; never edit a shipped one.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE wasmhost_modules (
                id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
                bytes bytea NOT NULL,
                size integer NOT NULL CHECK (size >= 0),
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                description jsonb
            )
            """,
            """
            CREATE TABLE wasmhost_names (
                name text PRIMARY KEY,
                module_id text NOT NULL REFERENCES wasmhost_modules (id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX wasmhost_names_module_id ON wasmhost_names (module_id)",
        ],
        // 2: descriptions are the service's bytes, returned byte-exact (jsonb would
        // reorder keys and respace them); the reserved jsonb column was never written.
        [
            """
            ALTER TABLE wasmhost_modules
                ALTER COLUMN description TYPE bytea USING convert_to(description::text, 'UTF8')
            """,
        ],
    ]

    /// The newest version this build knows.
    static var latestVersion: Int { migrations.count }

    /// Creates or migrates the schema; idempotent.
    static func migrate(_ connection: PGConnection) throws(PostgresError) {
        try connection.transaction { connection in
            try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [.text(migrationLock)])
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS wasmhost_schema (
                    version integer PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let current = try connection.execute("SELECT coalesce(max(version), 0) FROM wasmhost_schema").integer(0, 0) ?? 0
            guard current <= latestVersion else {
                throw PostgresError.unexpected("the registry's schema is version \(current); this build knows up to \(latestVersion)")
            }
            for version in (current + 1)..<(latestVersion + 1) {
                for statement in migrations[version - 1] { try connection.execute(statement) }
                try connection.execute("INSERT INTO wasmhost_schema (version) VALUES ($1::integer)", [.text(String(version))])
            }
        }
    }
}
