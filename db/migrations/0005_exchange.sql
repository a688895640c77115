-- Shared data resources (共享数据资源目录) and the grants (供需对接) that let consumers query them through the hub.
CREATE TABLE data_resources (
    resource_code     varchar(64)   PRIMARY KEY,
    name              varchar(200)  NOT NULL,
    provider_org_code varchar(18)   NOT NULL,
    provider_endpoint varchar(500)  NOT NULL,
    -- HolderIdType number of the lookup key.
    key_kind          smallint      NOT NULL,
    -- [FieldSpec as JSON]
    fields            jsonb         NOT NULL,
    -- The most sensitive field's DataLevel (1..4), for search.
    max_level         smallint      NOT NULL CHECK (max_level BETWEEN 1 AND 4),
    -- SharingType: 1 unconditional, 2 conditional, 3 not shared.
    sharing_type      smallint      NOT NULL CHECK (sharing_type BETWEEN 1 AND 3),
    sharing_condition varchar(1000) NOT NULL,
    legal_basis       varchar(1000) NOT NULL CHECK (sharing_type <> 3 OR legal_basis <> ''),
    update_cycle      smallint      NOT NULL,
    content_hash      bytea         NOT NULL,
    registered_at     timestamptz   NOT NULL,
    registered_by     uuid          NOT NULL
);
CREATE INDEX data_resources_provider ON data_resources (provider_org_code, resource_code);
CREATE INDEX data_resources_level ON data_resources (max_level, resource_code);

-- One consumer system's permission on some fields of one resource. The stored status is what was decided
-- (PENDING 1, APPROVED 2, REJECTED 3, REVOKED 6); OVERDUE (4) and EXPIRED (5) are read from due_on and expires_on
-- against today's date, never stored, so no job has to run for a grant to stop working.
CREATE TABLE grants (
    grant_id          uuid          PRIMARY KEY,
    resource_code     varchar(64)   NOT NULL REFERENCES data_resources (resource_code),
    consumer_id       uuid          NOT NULL REFERENCES callers (caller_id),
    consumer_org_code varchar(18)   NOT NULL,
    provider_org_code varchar(18)   NOT NULL,
    fields            text[]        NOT NULL CHECK (cardinality(fields) > 0),
    purpose           varchar(200)  NOT NULL,
    matter_codes      text[]        NOT NULL,
    requested_days    integer       NOT NULL CHECK (requested_days > 0),
    status            smallint      NOT NULL CHECK (status IN (1, 2, 3, 6)),
    requested_at      timestamptz   NOT NULL,
    due_on            date,
    decided_at        timestamptz,
    decided_by        uuid,
    decision_reason   varchar(500)  NOT NULL DEFAULT '',
    expires_on        date          CHECK (status <> 2 OR expires_on IS NOT NULL),
    revoked_at        timestamptz,
    revoked_by        uuid,
    revoke_reason     varchar(500)  NOT NULL DEFAULT ''
);
CREATE INDEX grants_consumer ON grants (consumer_id, resource_code, grant_id);
CREATE INDEX grants_provider ON grants (provider_org_code, grant_id);
CREATE INDEX grants_waiting ON grants (due_on, grant_id) WHERE status = 1;
