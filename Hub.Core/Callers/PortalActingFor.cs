using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Holders;

namespace Hub.Core.Callers;

/// <summary>
/// A PORTAL reads a holder's data in full because it acts for that holder — so only for the holder it authenticated,
/// as its short-lived signed assertion names them (docs/integration.md). Every portal path asks this first.
/// </summary>
public static class PortalActingFor
{
    public const string AssertionHeader = "x-hub-holder-assertion";

    /// <summary>Null when the portal call may act for this holder; else the refusal.</summary>
    public static HubError? Refusal(Caller caller, HolderInput holder) => caller.ActsFor(holder)
        ? null
        : caller.AssertedHolder is null
            ? NotAsserted()
            : HubError.PermissionDenied(ReasonCodes.HolderNotAsserted, "the holder assertion names another holder than this request.");

    /// <summary>The holder the portal call acts for, or the refusal when it carries no assertion.</summary>
    public static Outcome<HolderInput> Asserted(Caller caller) => caller.AssertedHolder is { } holder ? holder : NotAsserted();

    private static HubError NotAsserted() => HubError.PermissionDenied(
        ReasonCodes.HolderNotAsserted,
        $"a PORTAL acts only for the holder it authenticated: send its signed assertion in the {AssertionHeader} metadata (docs/integration.md).");
}
