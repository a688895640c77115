-- The write path at city scale: entries are sequenced after their transaction commits, and licenses can be
-- aggregated (归集) from existing systems.

-- A state change appends its audit entry here, in its own transaction, without taking an index: no lock is held
-- across the transaction. The hub's log writer moves committed rows into access_log in batches, assigning the next
-- dense indices under the log_head lock (see docs/architecture.md). The columns are access_log's own, so whatever
-- fits here fits there.
CREATE TABLE access_log_queue (
    queue_id     bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz  NOT NULL,
    caller_id    uuid         NOT NULL,
    action       varchar(100) NOT NULL,
    object_type  varchar(64),
    object_id    varchar(200),
    holder_index bytea,
    purpose      varchar(200),
    matter_code  varchar(64),
    case_number  varchar(64),
    fields       text[]       NOT NULL DEFAULT '{}',
    outcome      varchar(64)  NOT NULL
);
-- Rows live for milliseconds: vacuum it often so it stays a few pages long.
ALTER TABLE access_log_queue SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);

-- Imported (归集) licenses keep where they came from and when they were first issued there. import_hash is SHA-256
-- of the imported record's canonical form: the same record again is "already present", another one under the same
-- license_number a conflict.
ALTER TABLE licenses
    ADD COLUMN issued_on     date,
    ADD COLUMN source_system varchar(64),
    ADD COLUMN import_hash   bytea CHECK (import_hash IS NULL OR length(import_hash) = 32);
