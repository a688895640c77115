using Grpc.Core;
using Hub.Audit.V1;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Delegations.V1;
using Hub.Exemption.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Server.Delegations;

/// <summary>
/// 委托授权 end to end: a holder (through the portal) grants a delegate the use of a license for a matter; a department
/// checks that matter for the principal on the delegate's behalf inside the scope and is refused outside it (wrong
/// matter, wrong delegate, expired, revoked, used up, legal representative changed); the delegate presents the
/// license; each use shows in the principal's history with the delegation id.
/// </summary>
public sealed class DelegationTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private const string Department = "91350100M000100Y43"; // the verifiers' organisation
    private const string OrgTypeCode = "11610100MB0000000J002";
    private const string Company = "91610113MA6U2X1C4D";
    private readonly LicenseScenario _s = fixture.Scenario;

    private ExemptionService.ExemptionServiceClient Window => new(_s.Hub.Channel(_s.VerifierKeys[DataLevel.L2Internal]));

    private DelegationService.DelegationServiceClient PortalFor(string idNumber, HolderIdType type = HolderIdType.CitizenId) => new(_s.PortalFor(idNumber, type));

    [Fact]
    public async Task A_delegate_checks_a_matter_for_the_principal_inside_the_scope_and_is_refused_outside_it()
    {
        var principal = TestPeople.NewCitizenId();
        var agent = TestPeople.NewCitizenId();
        var license = await _s.IssueAsync("DL-" + Guid.NewGuid().ToString("N")[..10], principal);
        var matter = await RegisterMatterAsync();
        var otherMatter = await RegisterMatterAsync();

        var granted = (await PortalFor(principal).GrantDelegationAsync(Grant(principal, agent, matter, license.Identifier))).Delegation;
        Assert.Equal(DelegationStatus.Active, granted.Status);
        Assert.Equal(agent, granted.Delegate.IdNumber);
        Assert.Equal(30, (granted.ValidUntil.ToDateTimeOffset() - granted.GrantedAt.ToDateTimeOffset()).TotalDays, 3);

        // Inside the scope: the license waives the material, and the use is logged with the delegation id.
        var answer = await Window.CheckMatterAsync(Check(matter, principal, granted.DelegationId, agent));
        Assert.Equal(MaterialOutcome.Waived, answer.Materials.Single().Outcome);
        Assert.Contains($"\"delegation_id\":\"{granted.DelegationId}\"", answer.Receipt.EntryJson, StringComparison.Ordinal);

        // Outside it: another matter; another person claiming to be the delegate; an unknown delegation.
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await Window.CheckMatterAsync(Check(otherMatter, principal, granted.DelegationId, agent)), "DELEGATION_OUT_OF_SCOPE");
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await Window.CheckMatterAsync(Check(matter, principal, granted.DelegationId, TestPeople.NewCitizenId())), "NOT_DELEGATE");
        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await Window.CheckMatterAsync(Check(matter, TestPeople.NewCitizenId(), granted.DelegationId, agent)), "DELEGATION_NOT_FOUND");

        // The principal's history shows the delegated use (and the refused attempts) under the delegation, with the delegate masked.
        var history = (await new AuditService.AuditServiceClient(_s.PortalFor(principal)).GetHolderAccessHistoryAsync(
            new GetHolderAccessHistoryRequest { Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = principal } })).Entries;
        var uses = history.Where(e => e.DelegationId == granted.DelegationId && e.Action == "exemption.CheckMatter").ToList();
        Assert.Contains(uses, e => e.Outcome.StartsWith("WAIVED", StringComparison.Ordinal) && e.MatterCode == matter);
        Assert.Contains(uses, e => e.Outcome == "REFUSED:DELEGATION_OUT_OF_SCOPE");
        Assert.All(uses, e => Assert.Equal($"李** {agent[..6]}{new string('*', 11)}{agent[^1]}", e.DelegateLabel));
        Assert.Contains(history, e => e.DelegationId == granted.DelegationId && e.Action == "delegations.GrantDelegation");

        // Revoked at once.
        var revoked = (await PortalFor(principal).RevokeDelegationAsync(new RevokeDelegationRequest { RequestId = Guid.NewGuid().ToString(), DelegationId = granted.DelegationId })).Delegation;
        Assert.Equal(DelegationStatus.Revoked, revoked.Status);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await Window.CheckMatterAsync(Check(matter, principal, granted.DelegationId, agent)), "DELEGATION_REVOKED");

        // Only the principal revokes; the delegate reads it; a stranger does not even see it.
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await PortalFor(principal).RevokeDelegationAsync(new RevokeDelegationRequest { RequestId = Guid.NewGuid().ToString(), DelegationId = granted.DelegationId }), "DELEGATION_CLOSED");
        Assert.Equal(DelegationStatus.Revoked, (await PortalFor(agent).GetDelegationAsync(new GetDelegationRequest { DelegationId = granted.DelegationId })).Delegation.Status);
        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await PortalFor(TestPeople.NewCitizenId()).GetDelegationAsync(new GetDelegationRequest { DelegationId = granted.DelegationId }), "DELEGATION_NOT_FOUND");
        Assert.Contains(granted.DelegationId, (await PortalFor(agent).ListDelegationsAsync(new ListDelegationsRequest { Role = DelegationRole.Delegate })).Delegations.Select(d => d.DelegationId));
    }

    [Fact]
    public async Task A_delegation_past_its_period_is_expired_and_licenses_outside_it_waive_nothing()
    {
        var principal = TestPeople.NewCitizenId();
        var agent = TestPeople.NewCitizenId();
        await _s.IssueAsync("DL-" + Guid.NewGuid().ToString("N")[..10], principal);
        var matter = await RegisterMatterAsync();

        // A delegation over another license type: the principal's license of the matter's type is not the delegate's to use.
        var request = Grant(principal, agent, matter, null, validDays: 2);
        request.TypeCodes.Add(OrgTypeCode);
        await EnsureOrgTypeAsync();
        var granted = (await PortalFor(principal).GrantDelegationAsync(request)).Delegation;
        var answer = await Window.CheckMatterAsync(Check(matter, principal, granted.DelegationId, agent));
        Assert.Equal(MaterialOutcome.Required, answer.Materials.Single().Outcome);

        fixture.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        try
        {
            await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await Window.CheckMatterAsync(Check(matter, principal, granted.DelegationId, agent)), "DELEGATION_EXPIRED");
            Assert.Equal(DelegationStatus.Expired, (await PortalFor(principal).GetDelegationAsync(new GetDelegationRequest { DelegationId = granted.DelegationId })).Delegation.Status);
        }
        finally
        {
            fixture.Clock.Advance(-(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1)));
        }
    }

    [Fact]
    public async Task A_single_use_delegation_is_used_once_across_two_replicas()
    {
        var principal = TestPeople.NewCitizenId();
        var agent = TestPeople.NewCitizenId();
        var license = await _s.IssueAsync("DL-" + Guid.NewGuid().ToString("N")[..10], principal);
        var matter = await RegisterMatterAsync();
        var request = Grant(principal, agent, matter, license.Identifier);
        request.SingleUse = true;
        var granted = (await PortalFor(principal).GrantDelegationAsync(request)).Delegation;

        await using var second = new HubFactory(_s.Hub.ConnectionString, new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = _s.Hub.MasterKey });
        var windows = new[] { Window, new ExemptionService.ExemptionServiceClient(second.Channel(_s.VerifierKeys[DataLevel.L2Internal])) };
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await windows[i % 2].CheckMatterAsync(Check(matter, principal, granted.DelegationId, agent));
                return "OK";
            }
            catch (RpcException e)
            {
                return RpcAssert.Reason(e);
            }
        }));

        Assert.Equal(1, results.Count(r => r == "OK"));
        Assert.All(results.Where(r => r != "OK"), r => Assert.Equal("DELEGATION_USED", r));
        var after = (await PortalFor(principal).GetDelegationAsync(new GetDelegationRequest { DelegationId = granted.DelegationId })).Delegation;
        Assert.Equal(DelegationStatus.Used, after.Status);
        Assert.Equal(1u, after.Uses);
    }

    [Fact]
    public async Task An_organisations_delegation_ends_when_its_legal_representative_changes()
    {
        await EnsureOrgTypeAsync();
        var license = (await _s.Licenses(_s.IssuerKey).IssueLicenseAsync(OrgLicense("张三"))).License;
        var matter = await RegisterMatterAsync(OrgTypeCode);
        var staff = TestPeople.NewCitizenId();
        var company = new Holder { IdType = HolderIdType.Uscc, IdNumber = Company };

        // No delegation without a license that names the legal representative.
        var nobody = Grant(Company, staff, matter, null, principalType: HolderIdType.Uscc);
        nobody.Principal.IdNumber = "91610113MA6U2X1D28";
        nobody.TypeCodes.Add(OrgTypeCode);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await PortalFor(nobody.Principal.IdNumber, HolderIdType.Uscc).GrantDelegationAsync(nobody), "LEGAL_REPRESENTATIVE_UNKNOWN");

        var granted = (await PortalFor(Company, HolderIdType.Uscc).GrantDelegationAsync(Grant(Company, staff, matter, license.Identifier, principalType: HolderIdType.Uscc))).Delegation;
        var check = Check(matter, Company, granted.DelegationId, staff);
        check.Applicant = company;
        Assert.Equal(MaterialOutcome.Waived, (await Window.CheckMatterAsync(check)).Materials.Single().Outcome);

        var face = OrgLicense("李四").Face;
        await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(new AmendLicenseRequest { RequestId = Guid.NewGuid().ToString(), Identifier = license.Identifier, Face = { face }, Reason = "法定代表人变更" });
        check.RequestId = Guid.NewGuid().ToString();
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await Window.CheckMatterAsync(check), "DELEGATION_ENDED");
        Assert.Equal(DelegationStatus.Ended, (await PortalFor(Company, HolderIdType.Uscc).GetDelegationAsync(new GetDelegationRequest { DelegationId = granted.DelegationId })).Delegation.Status);
    }

    [Fact]
    public async Task A_delegate_presents_the_principals_license_and_a_revocation_withdraws_the_token()
    {
        var principal = TestPeople.NewCitizenId();
        var agent = TestPeople.NewCitizenId();
        var license = await _s.IssueAsync("DL-" + Guid.NewGuid().ToString("N")[..10], principal);
        var other = await _s.IssueAsync("DL-" + Guid.NewGuid().ToString("N")[..10], principal);
        var matter = await RegisterMatterAsync();
        var granted = (await PortalFor(principal).GrantDelegationAsync(Grant(principal, agent, matter, license.Identifier))).Delegation;
        var delegatePortal = new VerificationService.VerificationServiceClient(_s.PortalFor(agent));
        var window = _s.Verification(_s.VerifierKeys[DataLevel.L2Internal]);

        var token = (await delegatePortal.CreatePresentationAsync(Present(principal, license.Identifier, granted.DelegationId, matter))).Token;
        var shown = await window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = token, Purpose = "代办核验" });
        Assert.True(shown.Valid);
        Assert.Contains($"\"delegation_id\":\"{granted.DelegationId}\"", shown.Receipt.EntryJson, StringComparison.Ordinal);

        // Not the license named; not the delegate's own assertion without on_behalf_of; no matter or purpose named.
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await delegatePortal.CreatePresentationAsync(Present(principal, other.Identifier, granted.DelegationId, matter)), "DELEGATION_OUT_OF_SCOPE");
        var plain = Present(principal, license.Identifier, granted.DelegationId, matter);
        plain.OnBehalfOf = null;
        plain.MatterCode = string.Empty;
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await delegatePortal.CreatePresentationAsync(plain), "HOLDER_NOT_ASSERTED");
        var noPurpose = Present(principal, license.Identifier, granted.DelegationId, matter);
        noPurpose.MatterCode = string.Empty;
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await delegatePortal.CreatePresentationAsync(noPurpose));

        var pending = (await delegatePortal.CreatePresentationAsync(Present(principal, license.Identifier, granted.DelegationId, matter))).Token;
        await PortalFor(principal).RevokeDelegationAsync(new RevokeDelegationRequest { RequestId = Guid.NewGuid().ToString(), DelegationId = granted.DelegationId });
        var refused = await window.VerifyPresentationAsync(new VerifyPresentationRequest { Token = pending, Purpose = "代办核验" });
        Assert.False(refused.Valid);
        Assert.Equal("DELEGATION_WITHDRAWN", refused.Reason);
    }

    [Fact]
    public async Task Grants_are_validated_and_only_the_principal_grants()
    {
        var principal = TestPeople.NewCitizenId();
        var matter = await RegisterMatterAsync();
        var license = await _s.IssueAsync("DL-" + Guid.NewGuid().ToString("N")[..10], principal);

        var tooLong = Grant(principal, TestPeople.NewCitizenId(), matter, license.Identifier, validDays: 367);
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await PortalFor(principal).GrantDelegationAsync(tooLong));
        Assert.Contains("valid_days", RpcAssert.ViolatedFields(invalid));
        var self = Grant(principal, principal, matter, license.Identifier);
        Assert.Contains("delegate", RpcAssert.ViolatedFields(await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await PortalFor(principal).GrantDelegationAsync(self))));
        var empty = Grant(principal, TestPeople.NewCitizenId(), matter, null);
        empty.MatterCodes.Clear();
        var fields = RpcAssert.ViolatedFields(await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await PortalFor(principal).GrantDelegationAsync(empty)));
        Assert.Contains("license_identifiers", fields);
        Assert.Contains("matter_codes", fields);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            async () => await PortalFor(TestPeople.NewCitizenId()).GrantDelegationAsync(Grant(principal, TestPeople.NewCitizenId(), matter, license.Identifier)), "HOLDER_NOT_ASSERTED");
        var someoneElses = await _s.IssueAsync("DL-" + Guid.NewGuid().ToString("N")[..10], TestPeople.NewCitizenId());
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            async () => await PortalFor(principal).GrantDelegationAsync(Grant(principal, TestPeople.NewCitizenId(), matter, someoneElses.Identifier)), "NOT_HOLDER");
        await RpcAssert.FailsAsync(StatusCode.NotFound,
            async () => await PortalFor(principal).GrantDelegationAsync(Grant(principal, TestPeople.NewCitizenId(), "NO-SUCH-MATTER", license.Identifier)), "MATTER_NOT_FOUND");
    }

    private async Task<string> RegisterMatterAsync(string typeCode = LicenseScenario.TypeCode)
    {
        var request = new RegisterMatterRequest
        {
            MatterCode = "610100-DL-" + Guid.NewGuid().ToString("N")[..10],
            Name = "代办事项（测试）",
            DepartmentCode = Department,
            Materials = { new Material { MaterialCode = "cert", Name = "证照", AcceptedTypeCodes = { typeCode }, NeededFields = { typeCode == OrgTypeCode ? "enterprise_name" : "category" } } },
        };
        await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(request);
        return request.MatterCode;
    }

    private async Task EnsureOrgTypeAsync() => await _s.Catalogue(_s.CatalogueKey).RegisterLicenseTypeAsync(new RegisterLicenseTypeRequest
    {
        TypeCode = OrgTypeCode,
        Name = "营业执照（测试）",
        DefiningOrgCode = "11610100MB0000000J",
        IssuerOrgCodes = { LicenseScenario.IssuerOrg },
        HolderKind = HolderKind.Organization,
        SharingType = SharingType.Unconditional,
        Fields =
        {
            new FieldSpec { Name = "enterprise_name", Label = "名称", Kind = FieldKind.String, Required = true, Level = DataLevel.L1Public, Mask = MaskRule.None },
            new FieldSpec { Name = "legal_representative", Label = "法定代表人", Kind = FieldKind.String, Required = true, Level = DataLevel.L2Internal, Mask = MaskRule.Name },
        },
    });

    private static IssueLicenseRequest OrgLicense(string representative) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        TypeCode = OrgTypeCode,
        LicenseNumber = Company,
        Holder = new Holder { Name = "西安某某科技有限公司", IdType = HolderIdType.Uscc, IdNumber = Company },
        ValidFrom = new Google.Type.Date { Year = 2024, Month = 1, Day = 1 },
        Face = { ["enterprise_name"] = "西安某某科技有限公司", ["legal_representative"] = representative },
    };

    private static GrantDelegationRequest Grant(
        string principal, string agent, string matter, string? identifier, uint validDays = 0, HolderIdType principalType = HolderIdType.CitizenId)
    {
        var request = new GrantDelegationRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Principal = new Holder { IdType = principalType, IdNumber = principal },
            Delegate = new Holder { Name = "李代办", IdType = HolderIdType.CitizenId, IdNumber = agent },
            MatterCodes = { matter },
            ValidDays = validDays,
        };
        if (identifier is not null)
        {
            request.LicenseIdentifiers.Add(identifier);
        }

        return request;
    }

    private static CheckMatterRequest Check(string matter, string principal, string delegationId, string agent) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        MatterCode = matter,
        Applicant = new Holder { IdType = HolderIdType.CitizenId, IdNumber = principal },
        CaseNumber = "CASE-DL-1",
        Purpose = "代办申请",
        OnBehalfOf = new OnBehalfOf { DelegationId = delegationId, Delegate = new Holder { IdType = HolderIdType.CitizenId, IdNumber = agent } },
    };

    private static CreatePresentationRequest Present(string principal, string identifier, string delegationId, string matter) => new()
    {
        Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = principal },
        Identifier = identifier,
        Fields = { "category" },
        OnBehalfOf = new OnBehalfOf { DelegationId = delegationId },
        MatterCode = matter,
    };
}
