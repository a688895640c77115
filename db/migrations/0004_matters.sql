-- 政务服务事项 (matters) and their required materials, for 免证办 checks.
CREATE TABLE matters (
    matter_code     varchar(64)  PRIMARY KEY,
    name            varchar(200) NOT NULL,
    department_code varchar(18)     NOT NULL,
    -- [{material_code, name, accepted_type_codes[], needed_fields[]}]
    materials       jsonb        NOT NULL,
    content_hash    bytea        NOT NULL,
    registered_at   timestamptz  NOT NULL,
    registered_by   uuid         NOT NULL
);
CREATE INDEX matters_department ON matters (department_code, matter_code);
