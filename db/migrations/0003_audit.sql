-- The Merkle tree over the access log (RFC 9162 structure, SM3) and its signed checkpoints.

-- Hashes of complete, aligned subtrees: (level, idx) covers leaves [idx * 2^level, (idx + 1) * 2^level).
-- Level 0 is the leaf hash as the checkpointer computed it from entry_json. Any proof needs O(log n) of these.
CREATE TABLE merkle_nodes (
    level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
    idx   bigint   NOT NULL CHECK (idx >= 0),
    hash  bytea    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
);

CREATE TABLE checkpoints (
    tree_size  bigint      PRIMARY KEY CHECK (tree_size > 0),
    root_hash  bytea       NOT NULL CHECK (length(root_hash) = 32),
    -- C2SP tlog-checkpoint body; the signature covers its UTF-8 bytes.
    body       text        NOT NULL,
    signature  bytea       NOT NULL,
    key_id     varchar(16)    NOT NULL REFERENCES signing_keys (key_id),
    created_at timestamptz NOT NULL
);

-- Entries by holder and time, for holder histories and auditors' queries.
CREATE INDEX access_log_action ON access_log (action, log_index DESC);
CREATE INDEX access_log_matter ON access_log (matter_code, log_index DESC) WHERE matter_code IS NOT NULL;
