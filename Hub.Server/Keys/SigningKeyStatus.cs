namespace Hub.Server.Keys;

/// <summary>The life of a seal key: one ACTIVE signs; RETIRED ones still verify; REVOKED ones fail the KEY check.</summary>
public enum SigningKeyStatus
{
    Active,
    Retired,
    Revoked,
}
