namespace Hub.Core.Ports;

/// <summary>
/// Changes that happen because a date passed (a license expiring, a grant falling overdue): a feature notices those
/// since its last notice, writing each its audit entry and events. The hub runs every notice a few times an hour.
/// </summary>
public interface IDateNotice
{
    /// <summary>Notices what passed before <paramref name="today"/> (China date); returns how many changes.</summary>
    Task<int> NoticeAsync(DateOnly today, CancellationToken cancellationToken);
}
