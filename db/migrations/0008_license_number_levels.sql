-- license_number and status_reason are fields of the one disclosure policy: a license type may give them a level
-- (0 = the default: license_number L3 for persons' licenses, L1 for organisations'; status_reason L2).
ALTER TABLE license_types
    ADD COLUMN license_number_level smallint NOT NULL DEFAULT 0 CHECK (license_number_level BETWEEN 0 AND 4),
    ADD COLUMN status_reason_level  smallint NOT NULL DEFAULT 0 CHECK (status_reason_level BETWEEN 0 AND 4);
