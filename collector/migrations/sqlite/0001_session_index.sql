-- The session index (collector/src/index/). Times are Unix epoch milliseconds.
-- Keep in step with ../postgres/0001_session_index.sql: the queries are shared.
CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY NOT NULL,
    day TEXT NOT NULL,
    app_id TEXT,
    distinct_id TEXT,
    distinct_seq INTEGER,
    sdk_version TEXT,
    start_time INTEGER,
    end_time INTEGER,
    sort_time INTEGER NOT NULL,
    first_received_at INTEGER NOT NULL,
    last_received_at INTEGER NOT NULL,
    entry_url TEXT,
    entry_seq INTEGER,
    n_events INTEGER NOT NULL DEFAULT 0,
    n_batches INTEGER NOT NULL DEFAULT 0,
    n_errors INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    max_seq INTEGER,
    analysed_batches INTEGER NOT NULL DEFAULT 0,
    analysed_at INTEGER,
    n_rage_clicks INTEGER,
    n_dead_clicks INTEGER,
    n_error_clicks INTEGER,
    n_pages INTEGER,
    findings TEXT,
    analysis_note TEXT
);
CREATE INDEX sessions_by_time ON sessions (sort_time DESC, session_id);
CREATE INDEX sessions_by_app ON sessions (app_id, sort_time DESC, session_id);
CREATE INDEX sessions_by_user ON sessions (distinct_id, sort_time DESC, session_id);
CREATE INDEX sessions_with_errors ON sessions (sort_time DESC, session_id) WHERE n_errors > 0;
CREATE INDEX sessions_with_rage ON sessions (sort_time DESC, session_id) WHERE n_rage_clicks > 0;
CREATE INDEX sessions_with_dead ON sessions (sort_time DESC, session_id) WHERE n_dead_clicks > 0;
CREATE INDEX sessions_with_error_clicks ON sessions (sort_time DESC, session_id) WHERE n_error_clicks > 0;
CREATE INDEX sessions_to_analyse ON sessions (last_received_at) WHERE analysed_batches < n_batches;
CREATE INDEX sessions_by_end ON sessions (last_received_at);

-- One row per stored batch: a resent batch is counted once by the primary key.
CREATE TABLE batches (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

-- Pages a session visited: the entry URL at ingest, every page and its title after analysis.
CREATE TABLE pages (
    session_id TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT,
    PRIMARY KEY (session_id, url)
) WITHOUT ROWID;
CREATE INDEX pages_by_url ON pages (url);

CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
