-- Free text (`q=`) matches user ids too (collector/src/index/list.rs).
-- Keep in step with ../postgres/0003_user_texts.sql: the queries are shared.
--
-- Every distinct user id sessions hold, once, searched like `page_texts` (a dictionary of its
-- own so `url=` never matches a user id). Never pruned, as `page_texts`. A matching user id's
-- sessions are then read from `sessions_listed_by_user`.
CREATE TABLE user_texts (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE user_texts_fts USING fts5(text, content = 'user_texts', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER user_texts_fts_add AFTER INSERT ON user_texts BEGIN
    INSERT INTO user_texts_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER sessions_user_on_insert AFTER INSERT ON sessions WHEN new.distinct_id IS NOT NULL BEGIN
    INSERT INTO user_texts (text) VALUES (new.distinct_id) ON CONFLICT (text) DO NOTHING;
END;
-- The writer sets `distinct_id` in every session update; only a changed user costs an insert.
CREATE TRIGGER sessions_user_on_update AFTER UPDATE OF distinct_id ON sessions
    WHEN new.distinct_id IS NOT NULL AND new.distinct_id IS NOT old.distinct_id BEGIN
    INSERT INTO user_texts (text) VALUES (new.distinct_id) ON CONFLICT (text) DO NOTHING;
END;
INSERT INTO user_texts (text) SELECT DISTINCT distinct_id FROM sessions WHERE distinct_id IS NOT NULL;
