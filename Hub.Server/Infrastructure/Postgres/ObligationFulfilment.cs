using Hub.Core.Contracts;
using Hub.Core.Events;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The hub sees proof arrive: the statement that writes new licenses (IssueLicense's group commit, an import batch)
/// also fulfils, in the same transaction, each open obligation of the same holder that a license of an accepted type
/// settles by its deadline, and queues obligation.fulfilled (for SUBSCRIBERs and for the accepting department) with
/// the license's own audit entry. A license issued after the deadline fulfils nothing: the obligation stays OVERDUE
/// for the department to judge. It lives with the shared storage code because it is one statement of two features:
/// the license writers run it, the obligations feature reads what it wrote.
/// </summary>
public static class ObligationFulfilment
{
    /// <summary>
    /// CTEs to append to a license-writing statement. <paramref name="newLicenses"/> selects the licenses it inserts as
    /// (identifier, holder_index, type_code); the statement must have a CTE <c>entries</c> (queue_id, object_id) of their
    /// queued audit entries, and parameters <c>@now</c> (timestamptz) and <c>@today</c> (date, China).
    /// </summary>
    public static string Ctes(string newLicenses) => $"""
        , fulfilled AS (
            UPDATE obligations o SET status = 2, fulfilled_by_license = n.identifier, fulfilled_at = @now
            FROM ({newLicenses}) n
            WHERE o.status = 1 AND o.holder_index = n.holder_index AND n.type_code = ANY (o.accepted_type_codes) AND o.deadline >= @today
            RETURNING o.obligation_id, o.matter_code, o.material_code, o.case_number, o.department_org, o.mode, o.deadline, n.identifier
        ), fulfilment_events AS (
            INSERT INTO event_queue (audit_queue_id, seq, event_type, object_type, object_id, matter_code, audience_org, data)
            SELECT e.queue_id, (row_number() OVER (PARTITION BY e.queue_id ORDER BY f.obligation_id, a.addressed))::smallint,
                   '{EventTypes.ObligationFulfilled}', '{AuditObjects.Obligation}', f.obligation_id::text, f.matter_code,
                   CASE WHEN a.addressed THEN f.department_org END,
                   jsonb_build_object(
                       'status', jsonb_build_object('v', 'FULFILLED', 'l', 1),
                       'mode', jsonb_build_object('v', CASE f.mode WHEN 1 THEN 'COMMITMENT' ELSE 'DEFICIENCY_TOLERATED' END, 'l', 1),
                       'material_code', jsonb_build_object('v', f.material_code, 'l', 1),
                       'department_org', jsonb_build_object('v', f.department_org, 'l', 1),
                       'deadline', jsonb_build_object('v', to_char(f.deadline, 'YYYY-MM-DD'), 'l', 1),
                       'case_number', jsonb_build_object('v', f.case_number, 'l', 2),
                       'fulfilled_by_license', jsonb_build_object('v', f.identifier, 'l', 1))
            FROM fulfilled f JOIN entries e ON e.object_id = f.identifier CROSS JOIN (VALUES (false), (true)) AS a(addressed)
        )
        """;
}
