using Grpc.Core;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Catalogue;

public sealed class LicenseTypeTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task Register_SameContentAgain_IsOkAndCreatesNothing()
    {
        var again = await _s.Catalogue(_s.CatalogueKey).RegisterLicenseTypeAsync(LicenseScenario.LicenseTypeRequest());

        Assert.False(again.Created);
        Assert.Equal(LicenseScenario.TypeCode, again.LicenseType.TypeCode);
    }

    [Fact]
    public async Task Register_SameCodeOtherContent_IsAlreadyExists()
    {
        var changed = LicenseScenario.LicenseTypeRequest();
        changed.Name = "另一个名称";

        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, async () => await _s.Catalogue(_s.CatalogueKey).RegisterLicenseTypeAsync(changed), "LICENSE_TYPE_EXISTS");
    }

    [Fact]
    public async Task Register_BadDefinition_ReportsEachField()
    {
        var request = new RegisterLicenseTypeRequest
        {
            TypeCode = "91350100M000100Y4X001",
            Name = "",
            DefiningOrgCode = "11610100MB0000000J",
            IssuerOrgCodes = { "bad" },
            HolderKind = HolderKind.Unspecified,
            SharingType = SharingType.Unconditional,
            Fields =
            {
                new FieldSpec { Name = "Bad Name", Label = "x", Kind = FieldKind.String, Level = DataLevel.L1Public, Mask = MaskRule.None },
                new FieldSpec { Name = "ok", Label = "x", Kind = FieldKind.Unspecified, Level = DataLevel.L1Public, Mask = MaskRule.None },
                new FieldSpec { Name = "ok", Label = "y", Kind = FieldKind.String, Level = DataLevel.Unspecified, Mask = MaskRule.None },
            },
        };

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Catalogue(_s.CatalogueKey).RegisterLicenseTypeAsync(request));

        Assert.Equal(
            ["fields[0].name", "fields[1].kind", "fields[2].level", "fields[2].name", "holder_kind", "issuer_org_codes[0]", "name", "type_code"],
            RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Register_ByANonCatalogueCaller_IsPermissionDenied() =>
        await RpcAssert.FailsAsync(
            StatusCode.PermissionDenied,
            async () => await _s.Catalogue(_s.IssuerKey).RegisterLicenseTypeAsync(LicenseScenario.LicenseTypeRequest()),
            "ROLE_REQUIRED");

    [Fact]
    public async Task GetAndList_AreOpenToAnyCaller_AndFilterByIssuer()
    {
        var got = await _s.Catalogue(_s.VerifierKeys[DataLevel.L1Public]).GetLicenseTypeAsync(new GetLicenseTypeRequest { TypeCode = LicenseScenario.TypeCode });
        Assert.Equal(6, got.LicenseType.Fields.Count);
        Assert.Equal([LicenseScenario.IssuerOrg, LicenseScenario.OtherIssuerOrg], got.LicenseType.IssuerOrgCodes.Order(StringComparer.Ordinal));

        var forIssuer = await _s.Catalogue(_s.PortalKey).ListLicenseTypesAsync(new ListLicenseTypesRequest { IssuerOrgCode = LicenseScenario.IssuerOrg });
        var forOther = await _s.Catalogue(_s.PortalKey).ListLicenseTypesAsync(new ListLicenseTypesRequest { IssuerOrgCode = "91610131MA6U000013" });
        Assert.Contains(forIssuer.LicenseTypes, t => t.TypeCode == LicenseScenario.TypeCode);
        Assert.Empty(forOther.LicenseTypes);
        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await _s.Catalogue(_s.PortalKey).GetLicenseTypeAsync(new GetLicenseTypeRequest { TypeCode = "11610100MB0000000J998" }), "LICENSE_TYPE_NOT_FOUND");
    }
}
