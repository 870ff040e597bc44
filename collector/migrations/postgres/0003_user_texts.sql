-- Free text (`q=`) matches user ids too (collector/src/index/list.rs).
-- Keep in step with ../sqlite/0003_user_texts.sql: the queries are shared.
--
-- Every distinct user id sessions hold, once, searched like `page_texts` (a dictionary of its
-- own so `url=` never matches a user id). Never pruned, as `page_texts`. A matching user id's
-- sessions are then read from `sessions_listed_by_user`.
CREATE TABLE user_texts (
    id BIGSERIAL PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE INDEX user_texts_trigrams ON user_texts USING GIN (text gin_trgm_ops);
CREATE FUNCTION rewind_user_texts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_texts (text) VALUES (NEW.distinct_id) ON CONFLICT (text) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER sessions_user_on_insert AFTER INSERT ON sessions
    FOR EACH ROW WHEN (NEW.distinct_id IS NOT NULL) EXECUTE FUNCTION rewind_user_texts_add();
-- The writer sets `distinct_id` in every session update; only a changed user costs an insert.
CREATE TRIGGER sessions_user_on_update AFTER UPDATE OF distinct_id ON sessions
    FOR EACH ROW WHEN (NEW.distinct_id IS NOT NULL AND NEW.distinct_id IS DISTINCT FROM OLD.distinct_id)
    EXECUTE FUNCTION rewind_user_texts_add();
INSERT INTO user_texts (text) SELECT DISTINCT distinct_id FROM sessions WHERE distinct_id IS NOT NULL;
