using System.Globalization;
using Hub.Core.Contracts;
using Hub.Core.Events;

namespace Hub.Server.Obligations;

/// <summary>
/// The events an obligation's change causes: one for SUBSCRIBERs (the supervision platform), and the same addressed to
/// the accepting department, whose case it is. No personal data: codes, dates and the status.
/// </summary>
public static class ObligationEvents
{
    public static IReadOnlyList<ChangeEvent> For(string eventType, StoredObligation obligation, string status)
    {
        var shared = new ChangeEvent
        {
            Type = eventType,
            ObjectType = AuditObjects.Obligation,
            ObjectId = obligation.ObligationId.ToString(),
            MatterCode = obligation.MatterCode,
            Facts =
            [
                new("status", status),
                new("mode", StoredObligation.Name(obligation.Mode)),
                new("material_code", obligation.MaterialCode),
                new("department_org", obligation.DepartmentOrg),
                new("deadline", obligation.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                new("case_number", obligation.CaseNumber, Hub.Common.V1.DataLevel.L2Internal),
            ],
        };
        return [shared, shared with { AudienceOrg = obligation.DepartmentOrg }];
    }
}
