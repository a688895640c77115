-- The e-license repository: key material, license types, licenses and their sealed versions.

-- Data keys encrypt personal data at rest (AES-256-GCM); each is itself encrypted with the master key.
-- purpose 'data' keys are versioned (the highest version encrypts, every version decrypts); the single
-- 'blind-index' key makes the HMAC-SM3 lookups of holder identifiers.
CREATE TABLE data_keys (
    purpose       varchar(16) NOT NULL CHECK (purpose IN ('data', 'blind-index')),
    version       smallint    NOT NULL CHECK (version > 0),
    key_encrypted bytea       NOT NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (purpose, version)
);

-- SM2 seal keys. Exactly one is ACTIVE; RETIRED keys keep verifying what they sealed; REVOKED keys fail the KEY check.
CREATE TABLE signing_keys (
    key_id                varchar(16)     PRIMARY KEY,
    algorithm             varchar(16)  NOT NULL,
    public_key            bytea        NOT NULL,
    private_key_encrypted bytea        NOT NULL,
    status                varchar(8)   NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED', 'REVOKED')),
    created_at            timestamptz  NOT NULL,
    retired_at            timestamptz,
    revoked_at            timestamptz,
    revocation_reason     varchar(500)
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE status = 'ACTIVE';

-- The certificate that signs exported documents (XML-DSig, RSA-2048).
CREATE TABLE document_certificates (
    thumbprint            varchar(64)    PRIMARY KEY,
    certificate           bytea       NOT NULL,
    private_key_encrypted bytea       NOT NULL,
    active                boolean     NOT NULL,
    created_at            timestamptz NOT NULL
);
CREATE UNIQUE INDEX document_certificates_one_active ON document_certificates ((true)) WHERE active;

CREATE TABLE license_types (
    type_code         varchar(21)     PRIMARY KEY,
    name              varchar(200) NOT NULL,
    defining_org_code varchar(18)     NOT NULL,
    issuer_org_codes  text[]       NOT NULL,
    holder_kind       smallint     NOT NULL,
    fields            jsonb        NOT NULL,
    sharing_type      smallint     NOT NULL,
    -- SHA-256 of the registered content: a repeated registration with the same content is a no-op.
    content_hash      bytea        NOT NULL,
    registered_at     timestamptz  NOT NULL,
    registered_by     uuid         NOT NULL
);
CREATE INDEX license_types_issuers ON license_types USING gin (issuer_org_codes);

-- Serial numbers, unique per issuer and type.
CREATE TABLE license_serials (
    type_code       varchar(21) NOT NULL,
    issuer_org_code varchar(18) NOT NULL,
    last_serial     bigint   NOT NULL,
    PRIMARY KEY (type_code, issuer_org_code)
);

-- One row per license: what lookups and the live status need. Personal data lives only encrypted in the versions.
CREATE TABLE licenses (
    license_id        uuid         PRIMARY KEY,
    type_code         varchar(21)     NOT NULL REFERENCES license_types (type_code),
    issuer_org_code   varchar(18)     NOT NULL,
    serial            varchar(32)  NOT NULL,
    license_number    varchar(64)  NOT NULL,
    -- HMAC-SM3 of the holder's id type and number (the blind index).
    holder_index      bytea        NOT NULL,
    current_version   integer      NOT NULL CHECK (current_version > 0),
    status            varchar(16)  NOT NULL CHECK (status IN ('VALID', 'SUSPENDED', 'REVOKED', 'CANCELLED')),
    status_reason     varchar(500),
    status_changed_at timestamptz  NOT NULL,
    issued_at         timestamptz  NOT NULL,
    issued_by         uuid         NOT NULL,
    UNIQUE (type_code, issuer_org_code, serial),
    UNIQUE (issuer_org_code, type_code, license_number)
);
CREATE INDEX licenses_holder ON licenses (holder_index, issued_at DESC, license_id);

-- Every sealed version; never updated. content_encrypted holds the canonical JSON the seal covers.
CREATE TABLE license_versions (
    identifier        varchar(128) PRIMARY KEY,
    license_id        uuid         NOT NULL REFERENCES licenses (license_id),
    version           integer      NOT NULL CHECK (version > 0),
    valid_from        date         NOT NULL,
    valid_until       date,
    content_encrypted bytea        NOT NULL,
    -- SM3 of the canonical JSON: the key under which a verified seal is cached.
    content_hash      bytea        NOT NULL,
    seal              bytea        NOT NULL,
    seal_key_id       varchar(16)     NOT NULL REFERENCES signing_keys (key_id),
    created_at        timestamptz  NOT NULL,
    created_by        uuid         NOT NULL,
    UNIQUE (license_id, version)
);

CREATE FUNCTION license_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'license_versions are immutable (% refused)', TG_OP;
END
$$;
CREATE TRIGGER license_versions_no_update_or_delete
    BEFORE UPDATE OR DELETE ON license_versions
    FOR EACH ROW EXECUTE FUNCTION license_versions_immutable();
