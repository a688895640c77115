using Hub.Exchange.V1;
using Hub.Server.Exchange;

namespace Hub.Tests.Server.Exchange;

/// <summary>A grant's status on a day: lateness and expiry follow from the dates; decisions are final.</summary>
public sealed class GrantStatusRulesTests
{
    private static readonly DateOnly Due = new(2026, 11, 9);
    private static readonly DateOnly Expires = new(2027, 11, 9);

    [Theory]
    [InlineData(GrantStatus.Pending, "2026-11-09", GrantStatus.Pending)]
    [InlineData(GrantStatus.Pending, "2026-11-10", GrantStatus.Overdue)]
    [InlineData(GrantStatus.Approved, "2027-11-09", GrantStatus.Approved)]
    [InlineData(GrantStatus.Approved, "2027-11-10", GrantStatus.Expired)]
    [InlineData(GrantStatus.Rejected, "2030-01-01", GrantStatus.Rejected)]
    [InlineData(GrantStatus.Revoked, "2030-01-01", GrantStatus.Revoked)]
    public void Effective_ReadsLatenessAndExpiryFromTheDates(GrantStatus stored, string today, GrantStatus expected) =>
        Assert.Equal(expected, GrantStatusRules.Effective(stored, Due, Expires, DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void OnlyWaitingGrantsAreDecided_AndOnlyLiveOnesRevoked()
    {
        Assert.True(GrantStatusRules.AwaitsDecision(GrantStatus.Overdue));
        Assert.False(GrantStatusRules.AwaitsDecision(GrantStatus.Approved));
        Assert.True(GrantStatusRules.Revocable(GrantStatus.Approved));
        Assert.False(GrantStatusRules.Revocable(GrantStatus.Expired));
        Assert.False(GrantStatusRules.Revocable(GrantStatus.Rejected));
    }
}
