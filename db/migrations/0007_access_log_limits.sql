-- An access-log entry's purpose is the why of the access: a request's purpose (200 characters) or a status change's
-- or amendment's reason (500). The columns now hold the longer, as AccessRecordLimits says. Widening a varchar is a
-- catalogue change in PostgreSQL; no row is rewritten.
ALTER TABLE access_log ALTER COLUMN purpose TYPE varchar(500);
ALTER TABLE access_log_queue ALTER COLUMN purpose TYPE varchar(500);

-- No entry can grow past a few KB: request validation and AccessRecordLimits keep every member short (the largest
-- possible entry is ~11 KB); this makes the store say so too. NOT VALID: existing rows are not rescanned.
ALTER TABLE access_log ADD CONSTRAINT access_log_entry_size CHECK (octet_length(entry_json) <= 16384) NOT VALID;
