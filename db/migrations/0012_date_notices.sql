-- Changes nobody makes: a license expiring, a grant falling overdue or expiring happen when a date passes. Once a day
-- the hub writes each one its audit entry (by the hub itself) and its event; this is how far each kind has been
-- noticed (the day after the last date covered). One row per kind, locked while a replica notices it.
CREATE TABLE date_notices (
    kind    varchar(64) PRIMARY KEY,
    through date        NOT NULL
);

-- Expiry notices find the current versions whose validity ended in a day range.
CREATE INDEX license_versions_valid_until ON license_versions (valid_until) WHERE valid_until IS NOT NULL;
CREATE INDEX grants_expiring ON grants (expires_on, grant_id) WHERE status = 2;
