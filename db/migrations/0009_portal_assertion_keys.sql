-- A PORTAL acts only for the holder it authenticated, as a short-lived assertion signed by the portal says
-- (docs/integration.md). The portal's SM2 public key (SubjectPublicKeyInfo, DER) is registered with the caller.
ALTER TABLE callers ADD COLUMN assertion_key bytea CHECK (assertion_key IS NULL OR length(assertion_key) BETWEEN 64 AND 200);
