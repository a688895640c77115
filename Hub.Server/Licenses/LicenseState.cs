using Hub.Licenses.V1;

namespace Hub.Server.Licenses;

/// <summary>The part of a license that changes: its status (and why) and which version is current.</summary>
public sealed record LicenseState(int CurrentVersion, LicenseStatus Status, string? StatusReason);
