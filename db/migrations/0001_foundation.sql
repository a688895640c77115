-- Foundation: callers and their credentials, the access log's first layer, request idempotency, one-time nonces.
-- Codes are varchar(n), never char(n): a char column compared with a text parameter cannot use its index.

CREATE TABLE callers (
    caller_id       uuid         PRIMARY KEY,
    org_code        varchar(18)  NOT NULL,
    org_name        varchar(200) NOT NULL,
    system_name     varchar(200) NOT NULL,
    -- Role names without the ROLE_ prefix, e.g. {ADMIN,VERIFIER}.
    roles           text[]       NOT NULL CHECK (cardinality(roles) > 0),
    -- DataLevel number 1..4: the highest level this caller may see unmasked.
    clearance       smallint     NOT NULL CHECK (clearance BETWEEN 1 AND 4),
    -- SHA-256 of the API key; the key itself is shown once and never stored.
    api_key_hash    bytea        NOT NULL UNIQUE CHECK (length(api_key_hash) = 32),
    created_at      timestamptz  NOT NULL,
    created_by      uuid         REFERENCES callers (caller_id),
    disabled_at     timestamptz,
    disabled_reason varchar(500)
);

-- One active registration per organisation and system; a disabled one may be registered again.
CREATE UNIQUE INDEX callers_active_system ON callers (org_code, system_name) WHERE disabled_at IS NULL;
CREATE INDEX callers_created ON callers (created_at DESC, caller_id DESC);

CREATE TABLE caller_certificates (
    -- SHA-256 of the client certificate's DER, lower-case hex.
    thumbprint varchar(64) PRIMARY KEY CHECK (thumbprint ~ '^[0-9a-f]{64}$'),
    caller_id  uuid     NOT NULL REFERENCES callers (caller_id)
);
CREATE INDEX caller_certificates_caller ON caller_certificates (caller_id);

-- The access log. log_index is dense and 0-based: it comes from the one-row log_head, locked by the
-- committing transaction, so indices become visible in order with no holes.
CREATE TABLE log_head (
    id   boolean PRIMARY KEY DEFAULT true CHECK (id),
    size bigint  NOT NULL CHECK (size >= 0)
);
INSERT INTO log_head (id, size) VALUES (true, 0);

CREATE TABLE access_log (
    log_index    bigint       PRIMARY KEY CHECK (log_index >= 0),
    occurred_at  timestamptz  NOT NULL,
    caller_id    uuid         NOT NULL,
    action       varchar(100) NOT NULL,
    object_type  varchar(64),
    object_id    varchar(200),
    -- HMAC blind index of the holder; never the plain identifier.
    holder_index bytea,
    purpose      varchar(200),
    matter_code  varchar(64),
    case_number  varchar(64),
    -- Names of disclosed fields, never their values.
    fields       text[]       NOT NULL DEFAULT '{}',
    outcome      varchar(64)  NOT NULL,
    -- The entry as a Merkle leaf: canonical JSON (RFC 8785) of the columns above and SM3(0x00 || entry_json).
    entry_json   text         NOT NULL,
    leaf_hash    bytea        NOT NULL CHECK (length(leaf_hash) = 32)
);
CREATE INDEX access_log_caller ON access_log (caller_id, log_index DESC);
CREATE INDEX access_log_holder ON access_log (holder_index, log_index DESC) WHERE holder_index IS NOT NULL;
CREATE INDEX access_log_time ON access_log (occurred_at DESC);

-- Append-only: the hub never updates or deletes a log row; a trigger makes an accidental one fail loudly.
CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER access_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_log_no_truncate
    BEFORE TRUNCATE ON access_log
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();

-- Idempotency of mutating RPCs: the first result for (caller, request_id) is kept and returned to retries.
CREATE TABLE idempotency_keys (
    caller_id    uuid         NOT NULL,
    request_id   varchar(128) NOT NULL,
    operation    varchar(100) NOT NULL,
    -- SHA-256 of the request message, so a reused request_id with other content is refused.
    request_hash bytea        NOT NULL,
    response     bytea,
    created_at   timestamptz  NOT NULL,
    PRIMARY KEY (caller_id, request_id)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- One-time nonces when no Redis is configured (a replica-local set would accept a replay on another replica).
CREATE TABLE one_time_nonces (
    scope      varchar(64)  NOT NULL,
    nonce      varchar(128) NOT NULL,
    expires_at timestamptz  NOT NULL,
    PRIMARY KEY (scope, nonce)
);
CREATE INDEX one_time_nonces_expiry ON one_time_nonces (expires_at);
