using System.Text;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Holders;
using Hub.Licenses.V1;
using Hub.Server.Callers;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.InProcess;
using Hub.Server.Keys;
using Hub.Server.Licenses;
using Hub.Server.Verification;
using Hub.Signing.Identifiers;
using Hub.Signing.Sm2;
using Hub.Tests.Support;
using Hub.Tests.Support.Fakes;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Unit;

/// <summary>VerifyLicense check by check, without a database: seal, key, status, validity, current version, and the log.</summary>
[Trait("Category", "Unit")]
public sealed class LicenseVerifierUnitTests : IDisposable
{
    private const string TypeCode = "11100000MB1A00101G001";
    private const string Issuer = "11610100MB3M00002H";
    private static readonly Caller Verifier = new(Guid.NewGuid(), "11610100MB0000001X", "窗口", "test", new HashSet<Role> { Role.Verifier }, DataLevel.L2Internal);

    private readonly FakeLicenseDirectory _licenses = new();
    private readonly FakeSigningKeyRing _keys = new();
    private readonly FakeAccessLog _log = new();
    private readonly MemoryHubCache _cache = new();
    private readonly MovableClock _clock = new();
    private readonly LicenseVerifier _verifier;

    public LicenseVerifierUnitTests()
    {
        _verifier = new LicenseVerifier(_licenses, _licenses, _keys, _cache, _log, new AccessWatch(Options.Create(new AccessWatchOptions()), _clock), _clock);
        _licenses.Types[TypeCode] = new LicenseTypeDefinition(
            TypeCode, "营业执照", "11100000MB1A00101G", [Issuer], HolderKind.Organization,
            [new FieldSpec { Name = "legal_representative", Label = "法定代表人", Level = DataLevel.L2Internal }], SharingType.Unconditional, DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task ASealedValidLicense_PassesEveryCheck_AndTheVerificationIsLogged()
    {
        var identifier = Store(1, current: 1, LicenseStatus.Valid);

        var response = await VerifyAsync(identifier);

        Assert.True(response.Valid);
        Assert.All(response.Checks, c => Assert.True(c.Passed, c.Name));
        Assert.Equal(
            [VerificationChecks.Seal, VerificationChecks.Key, VerificationChecks.Status, VerificationChecks.Validity, VerificationChecks.CurrentVersion],
            response.Checks.Select(c => c.Name));
        var entry = Assert.Single(_log.Records);
        Assert.Equal((AuditActions.VerificationVerifyLicense, AuditOutcomes.Valid, identifier), (entry.Action, entry.Outcome, entry.ObjectId));
    }

    [Fact]
    public async Task ASuspendedLicense_FailsTheStatusCheck()
    {
        var response = await VerifyAsync(Store(1, current: 1, LicenseStatus.Suspended));

        Assert.False(response.Valid);
        Assert.Equal("SUSPENDED", response.Reason);
        Assert.False(response.Checks.Single(c => c.Name == VerificationChecks.Status).Passed);
    }

    [Fact]
    public async Task ASupersededVersion_IsRefusedAsSuperseded()
    {
        var response = await VerifyAsync(Store(1, current: 2, LicenseStatus.Valid));

        Assert.Equal(RefusalReasons.Superseded, response.Reason);
    }

    [Fact]
    public async Task ContentThatDoesNotMatchItsSeal_IsRefused()
    {
        var identifier = Store(1, current: 1, LicenseStatus.Valid);
        var stored = _licenses.Licenses[identifier];
        _licenses.Licenses[identifier] = stored with { CanonicalJson = stored.CanonicalJson.Replace("张三", "李四", StringComparison.Ordinal) };

        var response = await VerifyAsync(identifier);

        Assert.Equal(RefusalReasons.SealInvalid, response.Reason);
    }

    [Fact]
    public async Task AVersionVerifiedBefore_IsNotHashedOrVerifiedAgain_ButStillCheckedAndLogged()
    {
        var identifier = Store(1, current: 1, LicenseStatus.Valid);

        var first = await VerifyAsync(identifier);
        var second = await VerifyAsync(identifier);

        Assert.True(first.Valid && second.Valid);
        Assert.Equal(1, _verifier.RememberedSealVerdicts);
        Assert.Equal(first.Checks.Select(c => (c.Name, c.Passed, c.Detail)), second.Checks.Select(c => (c.Name, c.Passed, c.Detail)));
        Assert.Equal(2, _log.Records.Count);
    }

    [Fact]
    public async Task ARowReadAgainWithOtherContent_IsVerifiedAfresh_NotTrustedOnAnEarlierVerdict()
    {
        var identifier = Store(1, current: 1, LicenseStatus.Valid);
        Assert.True((await VerifyAsync(identifier)).Valid);

        // What a re-read of a row altered under the hub gives: new content objects with the old seal.
        var stored = _licenses.Licenses[identifier];
        var altered = stored.CanonicalJson.Replace("张三", "李四", StringComparison.Ordinal);
        _licenses.Licenses[identifier] = stored with { CanonicalJson = altered, Content = SealedContent.Parse(altered) };
        var reread = await VerifyAsync(identifier);

        // The same content object with another seal is not covered by the verdict either.
        _licenses.Licenses[identifier] = stored with { Seal = [.. stored.Seal.Reverse()] };
        var reseal = await VerifyAsync(identifier);

        Assert.Equal((RefusalReasons.SealInvalid, RefusalReasons.SealInvalid), (reread.Reason, reseal.Reason));
        Assert.Equal(0, _verifier.RememberedSealVerdicts);
    }

    [Fact]
    public async Task ASealByARevokedKey_IsRefusedAsKeyRevoked()
    {
        var identifier = Store(1, current: 1, LicenseStatus.Valid);
        _keys.Status = SigningKeyStatus.Revoked;

        var response = await VerifyAsync(identifier);

        Assert.Equal(RefusalReasons.KeyRevoked, response.Reason);
    }

    public void Dispose() => _cache.Dispose();

    private async Task<Hub.Verification.V1.VerifyLicenseResponse> VerifyAsync(string identifier)
    {
        Assert.True(LicenseIdentifier.TryParse(identifier, out var parsed, out var problem), problem);
        var outcome = await _verifier.VerifyAsync(Verifier, new VerifyLicenseCommand(parsed, null, "食品经营许可审批"), TestContext.Current.CancellationToken);
        Assert.False(outcome.Failed, outcome.Error?.Message);
        return outcome.Value;
    }

    private string Store(int version, int current, LicenseStatus status)
    {
        var identifier = new LicenseIdentifier(TypeCode, Issuer, "202600000001", version).ToString();
        var content = new SealedContent(
            identifier, TypeCode, "营业执照", "N-1", version, new HolderInput("张三", HolderIdType.Uscc, "9161010048WYW2LTKC"), Issuer, "市场监督管理局",
            DateTimeOffset.UnixEpoch, new DateOnly(2020, 1, 1), null, new Dictionary<string, string> { ["legal_representative"] = "张三" });
        var json = content.ToCanonicalJson();
        var bytes = Encoding.UTF8.GetBytes(json);
        _licenses.Licenses[identifier] = new StoredLicense(
            Guid.NewGuid(), identifier, version, current, status, null, [1], json, content, Sm3.Hash(bytes), _keys.Key.Sign(bytes), _keys.Key.KeyId);
        return identifier;
    }
}
