-- Change events (docs/events.md). A state change queues its events here with its audit entry, in its own
-- transaction: both commit or neither does. The log writer moves them into events in the cycle that sequences the
-- entry, giving each the next dense event_id and its entry's log_index, so events are numbered in log order.
CREATE TABLE event_queue (
    audit_queue_id  bigint       NOT NULL,
    seq             smallint     NOT NULL CHECK (seq >= 0),
    event_type      varchar(64)  NOT NULL,
    object_type     varchar(64)  NOT NULL,
    object_id       varchar(200) NOT NULL,
    license_type    varchar(64),
    issuer_org      varchar(18),
    matter_code     varchar(64),
    audience_caller uuid,
    audience_org    varchar(18),
    data            jsonb        NOT NULL,
    PRIMARY KEY (audit_queue_id, seq)
);
ALTER TABLE event_queue SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);

-- An event with no audience is for every SUBSCRIBER; one with an audience (a caller, or an organisation's callers)
-- only for it. data holds the event's facts, each with its classification level: {"name": {"v": "...", "l": 1}};
-- a subscriber is sent only those within its clearance.
CREATE TABLE events (
    event_id        bigint       PRIMARY KEY CHECK (event_id >= 1),
    log_index       bigint       NOT NULL,
    occurred_at     timestamptz  NOT NULL,
    event_type      varchar(64)  NOT NULL,
    object_type     varchar(64)  NOT NULL,
    object_id       varchar(200) NOT NULL,
    license_type    varchar(64),
    issuer_org      varchar(18),
    matter_code     varchar(64),
    audience_caller uuid,
    audience_org    varchar(18),
    data            jsonb        NOT NULL
);
-- Events arrive in time order, so a BRIN index finds the expired ones for the retention sweep at almost no cost per insert.
CREATE INDEX events_occurred ON events USING brin (occurred_at);

-- How many events have been numbered: the last event_id. Moved with size, under the same lock.
ALTER TABLE log_head ADD COLUMN events bigint NOT NULL DEFAULT 0 CHECK (events >= 0);

-- Webhooks: a caller's URL that is sent every event its filter selects, in order, signed with its secret (sealed
-- with the hub's data key). delivered_through is the last event_id handled (delivered or dead-lettered).
CREATE TABLE webhooks (
    webhook_id        uuid         PRIMARY KEY,
    caller_id         uuid         NOT NULL REFERENCES callers (caller_id),
    url               varchar(2000) NOT NULL,
    filter            jsonb        NOT NULL,
    secret            bytea        NOT NULL,
    delivered_through bigint       NOT NULL CHECK (delivered_through >= 0),
    created_at        timestamptz  NOT NULL,
    deleted_at        timestamptz
);
CREATE INDEX webhooks_caller ON webhooks (caller_id, created_at);

-- Deliveries that failed after every retry (the dead-letter list), until redelivered.
CREATE TABLE webhook_failures (
    webhook_id uuid         NOT NULL REFERENCES webhooks (webhook_id),
    event_id   bigint       NOT NULL,
    attempts   integer      NOT NULL,
    last_error varchar(500) NOT NULL,
    failed_at  timestamptz  NOT NULL,
    PRIMARY KEY (webhook_id, event_id)
);

-- Supervisors' findings on a license (审管联动), sent to its issuer as events.
CREATE TABLE supervision_results (
    result_id   uuid         PRIMARY KEY,
    license_id  uuid         NOT NULL REFERENCES licenses (license_id),
    caller_id   uuid         NOT NULL REFERENCES callers (caller_id),
    result      varchar(32)  NOT NULL,
    detail      varchar(500) NOT NULL,
    reported_at timestamptz  NOT NULL
);
CREATE INDEX supervision_results_license ON supervision_results (license_id, reported_at);
