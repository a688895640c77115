using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;

namespace Hub.Server.Licenses;

/// <summary>
/// license.expired: a license whose last valid day has passed gets an access-log entry by the hub itself (no holder
/// index: nobody read the holder's data) and its event, once. Relying parties are not told: an expiry date was on the
/// license they checked.
/// </summary>
public sealed class LicenseExpiryNotice(ILicenseStore store, ILicenseTypeStore types) : IDateNotice
{
    public Task<int> NoticeAsync(DateOnly today, CancellationToken cancellationToken) =>
        store.NoticeExpiriesAsync(today, async license =>
        {
            var type = (await types.FindAsync(license.Content.TypeCode, cancellationToken))!;
            var entry = new AccessRecord
            {
                CallerId = Caller.HubItself,
                Action = AuditActions.LicensesExpired,
                ObjectType = AuditObjects.License,
                ObjectId = license.Identifier,
                Outcome = LicenseStatusRules.Name(LicenseStatus.Expired),
            };
            return (entry, (IReadOnlyList<ChangeEvent>)[LicenseEvents.Expired(license.Content, type)]);
        }, cancellationToken);
}
