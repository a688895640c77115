using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Core.Time;
using Hub.Exemption.V1;

namespace Hub.Tests.Unit;

/// <summary>What CheckMatter offers for a material no license waives: commitment, deficiency, the case's obligation, or nothing.</summary>
[Trait("Category", "Unit")]
public sealed class MaterialAcceptanceRuleUnitTests
{
    private static readonly DateOnly Monday = new(2026, 11, 2);
    private static readonly WorkingCalendar Calendar = new([new DateOnly(2026, 11, 4)], []); // a made-up holiday on Wednesday

    private static readonly MaterialDefinition Both = new("cert", "证书", ["T"], [])
    {
        Commitment = new MaterialTerms(3, "承诺", "撤销"),
        Deficiency = new MaterialTerms(5, string.Empty, "退回"),
        ExcludeBreachedApplicants = true,
    };

    [Fact]
    public void Commitment_is_offered_first_with_its_deadline_in_working_days_and_both_modes_listed()
    {
        var acceptance = MaterialAcceptanceRule.Decide(Both, ApplicantStanding.Clean, Monday, Calendar)!;

        Assert.Equal(AcceptanceMode.Commitment, acceptance.Mode);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 11, Day = 6 }, acceptance.Deadline); // Tue, Thu, Fri: the holiday skipped
        Assert.Equal([AcceptanceMode.Commitment, AcceptanceMode.DeficiencyTolerated], acceptance.AllowedModes);
        Assert.Equal(string.Empty, acceptance.ObligationId);
    }

    [Fact]
    public void The_cases_open_obligation_is_shown_as_accepted_with_its_own_mode_and_deadline()
    {
        var id = Guid.NewGuid();
        var standing = new ApplicantStanding(false, [new CaseObligation(id, "cert", AcceptanceMode.DeficiencyTolerated, new DateOnly(2026, 11, 20), Open: true)]);

        var acceptance = MaterialAcceptanceRule.Decide(Both, standing, Monday, Calendar)!;

        Assert.Equal(AcceptanceMode.DeficiencyTolerated, acceptance.Mode);
        Assert.Equal(id.ToString(), acceptance.ObligationId);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 11, Day = 20 }, acceptance.Deadline);
    }

    [Fact]
    public void A_breach_excludes_only_where_the_material_says_so_and_a_plain_material_offers_nothing()
    {
        var breached = new ApplicantStanding(true, []);
        var lenient = Both with { ExcludeBreachedApplicants = false };

        Assert.Null(MaterialAcceptanceRule.Decide(Both, breached, Monday, Calendar));
        Assert.True(MaterialAcceptanceRule.Excludes(Both, breached));
        Assert.NotNull(MaterialAcceptanceRule.Decide(lenient, breached, Monday, Calendar));
        Assert.Null(MaterialAcceptanceRule.Decide(new MaterialDefinition("id", "身份证", ["T"], []), ApplicantStanding.Clean, Monday, Calendar));
        Assert.False(MaterialAcceptanceRule.Excludes(new MaterialDefinition("id", "身份证", ["T"], []) { ExcludeBreachedApplicants = true }, breached));
    }
}
