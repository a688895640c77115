using Hub.Core.Errors;
using Hub.Licenses.V1;

namespace Hub.Server.Licenses;

/// <summary>
/// Writes a new, already sealed license with its request_id's claim, stored response and audit entry; answers once it
/// committed and its entry is in the log. A repeated request_id gets the first response; a taken license number
/// <c>LICENSE_NUMBER_EXISTS</c>.
/// </summary>
public interface INewLicenseWriter
{
    Task<Outcome<IssueLicenseResponse>> WriteAsync(NewLicenseWrite write, CancellationToken cancellationToken);
}
