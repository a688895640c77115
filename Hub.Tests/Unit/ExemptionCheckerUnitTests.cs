using Hub.Adapters.Exemption;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Exemption.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Server.Callers;
using Hub.Tests.Support.Fakes;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Unit;

/// <summary>免证办 rules without a database: which material a license waives, what is disclosed, what is logged.</summary>
[Trait("Category", "Unit")]
public sealed class ExemptionCheckerUnitTests
{
    private static readonly Caller Verifier = new(Guid.NewGuid(), "11610100MB0000001X", "西安市住房保障中心", "test", new HashSet<Role> { Role.Verifier }, DataLevel.L2Internal);
    private readonly FakeLicenseRepository _repository = new();
    private readonly FakeAccessLog _log = new();
    private readonly MovableClock _clock = new();
    private readonly AccessWatch _watch;
    private readonly ExemptionChecker _checker;
    private readonly HolderInput _applicant = new(string.Empty, HolderIdType.CitizenId, TestPeople.NewCitizenId());

    public ExemptionCheckerUnitTests()
    {
        _watch = new AccessWatch(Options.Create(new AccessWatchOptions { DistinctHoldersPerHour = 3, FailedGuessesPerHour = 2 }), _clock);
        _checker = new ExemptionChecker(_repository, _repository, _repository, _repository, new NoDelegations(), _log, _watch, new FakeIdempotentRunner(), new WorkingCalendar([], []), _clock);
        _repository.Matters["M1"] = new MatterDefinition("M1", "公租房申请", "11610100MB0000001X", [
            new MaterialDefinition("id-card", "居民身份证", ["T-ID"], ["name"]),
            new MaterialDefinition("marriage", "结婚证", ["T-MARRIAGE"], ["spouse"]),
        ]);
    }

    [Fact]
    public async Task A_valid_license_waives_its_material_and_a_missing_one_is_required()
    {
        Hold("T-ID", LicenseStatus.Valid, until: null);

        var response = await CheckAsync();

        var id = response.Materials.Single(m => m.MaterialCode == "id-card");
        Assert.Equal(MaterialOutcome.Waived, id.Outcome);
        Assert.Equal("张三", id.Facts["name"]);
        var marriage = response.Materials.Single(m => m.MaterialCode == "marriage");
        Assert.Equal(MaterialOutcome.Required, marriage.Outcome);
        Assert.Equal(RequiredReason.NoLicense, marriage.ReasonCode);
        var entry = Assert.Single(_log.Records);
        Assert.Equal(AuditActions.ExemptionCheckMatter, entry.Action);
        Assert.Equal("WAIVED:1/2", entry.Outcome);
        Assert.Equal(["id-card.name"], entry.Fields);
    }

    [Theory]
    [InlineData(LicenseStatus.Suspended, RequiredReason.Suspended)]
    [InlineData(LicenseStatus.Revoked, RequiredReason.Revoked)]
    public async Task A_license_not_in_force_leaves_its_material_required_with_the_reason(LicenseStatus status, RequiredReason reason)
    {
        Hold("T-ID", status, until: null);

        var response = await CheckAsync();

        var id = response.Materials.Single(m => m.MaterialCode == "id-card");
        Assert.Equal(MaterialOutcome.Required, id.Outcome);
        Assert.Equal(reason, id.ReasonCode);
        Assert.Empty(id.Facts);
    }

    [Fact]
    public async Task An_expired_license_is_required_as_expired_on_the_check_date()
    {
        Hold("T-ID", LicenseStatus.Valid, until: ChinaCalendar.Today(_clock).AddDays(-1));

        var id = (await CheckAsync()).Materials.Single(m => m.MaterialCode == "id-card");

        Assert.Equal(RequiredReason.Expired, id.ReasonCode);
    }

    [Fact]
    public async Task An_unknown_matter_is_not_found_and_nothing_is_logged()
    {
        var outcome = await _checker.CheckMatterAsync(Verifier, Command("NO-SUCH"), TestContext.Current.CancellationToken);

        Assert.True(outcome.Failed);
        Assert.Equal(ReasonCodes.MatterNotFound, outcome.Error.Reason);
        Assert.Empty(_log.Records);
    }

    private async Task<CheckMatterResponse> CheckAsync()
    {
        var outcome = await _checker.CheckMatterAsync(Verifier, Command("M1"), TestContext.Current.CancellationToken);
        Assert.False(outcome.Failed, outcome.Error?.Message);
        return outcome.Value;
    }

    private CheckMatterCommand Command(string matter) =>
        new("req-" + Guid.NewGuid(), matter, _applicant, "CASE-1", "公租房资格审核", ChinaCalendar.Today(_clock), new CheckMatterRequest { RequestId = "r" });

    private void Hold(string typeCode, LicenseStatus status, DateOnly? until) =>
        _repository.Licenses.Add(new HolderLicense(
            $"{typeCode}-1", typeCode, 1, status, new DateOnly(2020, 1, 1), until, DateTimeOffset.UnixEpoch, "11610100MB0000001X", typeCode, "张三",
            _repository.HolderIndex(_applicant.IdType, _applicant.IdNumber),
            new Dictionary<string, string> { ["name"] = "张三" },
            [new FieldSpec { Name = "name", Label = "姓名", Level = DataLevel.L2Internal, Mask = MaskRule.Name }],
            SharingType.Unconditional));
}
