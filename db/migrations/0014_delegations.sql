-- 委托授权: a holder (the principal) lets a delegate use named licenses or license types for named matters or
-- purposes until valid_until. Both parties are kept as blind indexes (to match) and sealed (to show them to each
-- other); delegate_label is the delegate masked (李* 610102********123X) for the principal's access history.
-- status: 1 active, 3 revoked, 5 ended (an organisation's legal representative changed); USED (single use, used)
-- and EXPIRED (valid_until passed) are read from the row.
CREATE TABLE delegations (
    delegation_id        uuid           PRIMARY KEY,
    principal_index      bytea          NOT NULL,
    delegate_index       bytea          NOT NULL CHECK (delegate_index <> principal_index),
    principal_sealed     bytea          NOT NULL,
    delegate_sealed      bytea          NOT NULL,
    delegate_label       varchar(64)    NOT NULL,
    license_identifiers  varchar(128)[] NOT NULL,
    type_codes           varchar(21)[]  NOT NULL,
    matter_codes         varchar(64)[]  NOT NULL,
    purposes             varchar(200)[] NOT NULL,
    granted_at           timestamptz    NOT NULL,
    granted_by           uuid           NOT NULL REFERENCES callers (caller_id),
    valid_until          timestamptz    NOT NULL CHECK (valid_until > granted_at),
    single_use           boolean        NOT NULL,
    uses                 integer        NOT NULL DEFAULT 0 CHECK (uses >= 0 AND (NOT single_use OR uses <= 1)),
    last_used_at         timestamptz,
    status               smallint       NOT NULL CHECK (status IN (1, 3, 5)),
    revoked_at           timestamptz,
    -- An organisation's delegation: the license type its legal representative was read from (营业执照) and that
    -- representative, sealed; a use finds another representative there and ends the delegation.
    legal_rep_type_code  varchar(21),
    legal_rep_sealed     bytea,
    CHECK ((legal_rep_type_code IS NULL) = (legal_rep_sealed IS NULL))
);
CREATE INDEX delegations_principal ON delegations (principal_index, delegation_id DESC);
CREATE INDEX delegations_delegate ON delegations (delegate_index, delegation_id DESC);

-- Every use of a delegation is logged with its id, so the principal's history says whose delegate acted.
ALTER TABLE access_log ADD COLUMN delegation_id uuid;
ALTER TABLE access_log_queue ADD COLUMN delegation_id uuid;
