import GRDB

/// The database schema, as an ordered list of GRDB migrations. A migration, once released,
/// is never edited: a change is a new migration appended here, which also raises
/// `PRAGMA user_version` (the number `SwitchboardDatabase.schemaVersion()` reports).
enum SwitchboardMigrations {
    /// The schema version the newest migration leaves.
    static let currentVersion = 2

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // Version 1: mailboxes and messages. A message row exists from `beginRecording`
        // (state 'recording', invisible) and becomes visible at commit (state 'committed').
        migrator.registerMigration("1-voicemail") { db in
            try db.execute(sql: """
                CREATE TABLE mailbox (
                    number        TEXT PRIMARY KEY NOT NULL,
                    owner_name    TEXT NOT NULL,
                    pin_hash      TEXT,
                    greeting_path TEXT,
                    max_messages  INTEGER NOT NULL,
                    max_seconds   INTEGER NOT NULL,
                    min_seconds   INTEGER NOT NULL
                );
                CREATE TABLE voicemail_message (
                    id            TEXT PRIMARY KEY NOT NULL,
                    mailbox       TEXT NOT NULL REFERENCES mailbox(number) ON DELETE CASCADE,
                    state         TEXT NOT NULL CHECK (state IN ('recording', 'committed')),
                    folder        TEXT NOT NULL CHECK (folder IN ('new', 'saved')),
                    caller_number TEXT,
                    caller_name   TEXT,
                    called_number TEXT NOT NULL,
                    received_at   INTEGER NOT NULL,
                    duration_ms   INTEGER NOT NULL DEFAULT 0,
                    audio_file    TEXT NOT NULL,
                    heard         INTEGER NOT NULL DEFAULT 0,
                    store_session TEXT NOT NULL
                );
                CREATE INDEX voicemail_message_by_mailbox ON voicemail_message (mailbox, state, folder, received_at);
                PRAGMA user_version = 1;
                """)
        }
        // Version 2: the registrar's location service (RFC 3261 §10). `position` keeps the
        // order the registrar left an AOR's bindings in.
        migrator.registerMigration("2-location") { db in
            try db.execute(sql: """
                CREATE TABLE location_binding (
                    aor_domain   TEXT NOT NULL,
                    aor_user     TEXT NOT NULL,
                    position     INTEGER NOT NULL,
                    contact      TEXT NOT NULL,
                    expires_at   INTEGER NOT NULL,
                    q            REAL,
                    call_id      TEXT NOT NULL,
                    cseq         INTEGER NOT NULL,
                    updated_at   INTEGER NOT NULL,
                    transport    TEXT NOT NULL,
                    source_host  TEXT NOT NULL,
                    source_port  INTEGER NOT NULL,
                    connection   INTEGER NOT NULL,
                    instance_id  TEXT,
                    reg_id       INTEGER,
                    user_agent   TEXT,
                    PRIMARY KEY (aor_domain, aor_user, position)
                );
                CREATE INDEX location_binding_by_expiry ON location_binding (expires_at);
                PRAGMA user_version = 2;
                """)
        }
        return migrator
    }
}
