-- Listing at a million sessions (collector/src/index/list.rs).
-- Keep in step with ../postgres/0002_listing_at_scale.sql: the queries are shared.
--
-- Every listing leaves out sessions with no batch yet (`n_batches > 0`), so each listing index
-- is partial on that, ordered as listings are (newest first), and carries the columns its filter
-- tests: counting `total` then reads the index alone, never the table. App + signal pairs get an
-- index of their own, so such a page is an index walk too.
DROP INDEX sessions_by_time;
DROP INDEX sessions_by_app;
DROP INDEX sessions_by_user;
DROP INDEX sessions_with_errors;
DROP INDEX sessions_with_rage;
DROP INDEX sessions_with_dead;
DROP INDEX sessions_with_error_clicks;
CREATE INDEX sessions_listed ON sessions (sort_time DESC, session_id, n_batches) WHERE n_batches > 0;
CREATE INDEX sessions_listed_by_app ON sessions (app_id, sort_time DESC, session_id, n_batches) WHERE n_batches > 0;
CREATE INDEX sessions_listed_by_user ON sessions (distinct_id, sort_time DESC, session_id, n_batches) WHERE n_batches > 0;
CREATE INDEX sessions_listed_with_errors ON sessions (sort_time DESC, session_id, n_batches, n_errors)
    WHERE n_batches > 0 AND n_errors > 0;
CREATE INDEX sessions_listed_with_rage ON sessions (sort_time DESC, session_id, n_batches, n_rage_clicks)
    WHERE n_batches > 0 AND n_rage_clicks > 0;
CREATE INDEX sessions_listed_with_dead ON sessions (sort_time DESC, session_id, n_batches, n_dead_clicks)
    WHERE n_batches > 0 AND n_dead_clicks > 0;
CREATE INDEX sessions_listed_with_error_clicks ON sessions (sort_time DESC, session_id, n_batches, n_error_clicks)
    WHERE n_batches > 0 AND n_error_clicks > 0;
CREATE INDEX sessions_listed_by_app_with_errors ON sessions (app_id, sort_time DESC, session_id, n_batches, n_errors)
    WHERE n_batches > 0 AND n_errors > 0;
CREATE INDEX sessions_listed_by_app_with_rage ON sessions (app_id, sort_time DESC, session_id, n_batches, n_rage_clicks)
    WHERE n_batches > 0 AND n_rage_clicks > 0;
CREATE INDEX sessions_listed_by_app_with_dead ON sessions (app_id, sort_time DESC, session_id, n_batches, n_dead_clicks)
    WHERE n_batches > 0 AND n_dead_clicks > 0;
CREATE INDEX sessions_listed_by_app_with_error_clicks ON sessions (app_id, sort_time DESC, session_id, n_batches, n_error_clicks)
    WHERE n_batches > 0 AND n_error_clicks > 0;

-- Every entry URL is a page (text search reads pages only).
INSERT INTO pages (session_id, url) SELECT session_id, entry_url FROM sessions WHERE entry_url IS NOT NULL
    ON CONFLICT (session_id, url) DO NOTHING;
CREATE INDEX pages_by_title ON pages (title);

-- Text search: every distinct URL and title pages hold, once (a dictionary far smaller than the
-- pages, never pruned: a text no page holds any more only costs a lookup that finds nothing).
CREATE TABLE page_texts (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
-- Substring search over the dictionary: FTS5 with the trigram tokenizer (case-insensitive).
CREATE VIRTUAL TABLE page_texts_fts USING fts5(text, content = 'page_texts', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER page_texts_fts_add AFTER INSERT ON page_texts BEGIN
    INSERT INTO page_texts_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER pages_texts_on_insert AFTER INSERT ON pages BEGIN
    INSERT INTO page_texts (text) VALUES (new.url) ON CONFLICT (text) DO NOTHING;
    INSERT INTO page_texts (text) SELECT new.title WHERE new.title IS NOT NULL ON CONFLICT (text) DO NOTHING;
END;
CREATE TRIGGER pages_texts_on_title AFTER UPDATE OF title ON pages WHEN new.title IS NOT NULL BEGIN
    INSERT INTO page_texts (text) VALUES (new.title) ON CONFLICT (text) DO NOTHING;
END;
INSERT INTO page_texts (text) SELECT url FROM pages UNION SELECT title FROM pages WHERE title IS NOT NULL;
