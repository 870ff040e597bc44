-- Page filters in listing order (collector/src/index/page_walk.rs).
-- Keep in step with ../postgres/0004_pages_in_listing_order.sql: the queries are shared.
--
-- Each page row carries its session's listing key (`sort_time`), and the URL and title indexes
-- are ordered as listings are, so the sessions that visited one URL (or title) are an index
-- walk newest first, and a filter matching a few URLs merges those walks instead of collecting
-- and sorting every matching page.
ALTER TABLE pages ADD COLUMN sort_time INTEGER;
UPDATE pages SET sort_time = (SELECT s.sort_time FROM sessions s WHERE s.session_id = pages.session_id);
DROP INDEX pages_by_url;
DROP INDEX pages_by_title;
CREATE INDEX pages_listed_by_url ON pages (url, sort_time DESC, session_id);
CREATE INDEX pages_listed_by_title ON pages (title, sort_time DESC, session_id);

-- Pages are written with their session's `sort_time`; when it changes (the first batch, or a
-- batch with earlier events) the session's pages follow. The writer sets `sort_time` in every
-- session update, so only an actual change costs the pages' update.
CREATE TRIGGER pages_follow_sort_time AFTER UPDATE OF sort_time ON sessions
    WHEN new.sort_time IS NOT old.sort_time BEGIN
    UPDATE pages SET sort_time = new.sort_time WHERE session_id = new.session_id;
END;
