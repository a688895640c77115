namespace Hub.Server.Callers;

/// <summary>What a credential turned out to be.</summary>
public enum CallerCredentialStatus
{
    Unknown,
    Disabled,
    Active,
}
