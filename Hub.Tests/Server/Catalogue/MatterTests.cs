using Grpc.Core;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Catalogue;

public sealed class MatterTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task RegisterMatter_IsIdempotentOnItsCode_AndReadableByAnyCaller()
    {
        var request = Matter("MT-0001");
        var first = await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(request);
        var again = await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(request);
        request.Name = "改名";

        Assert.True(first.Created);
        Assert.False(again.Created);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, async () => await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(request), "MATTER_EXISTS");
        var got = await _s.Catalogue(_s.VerifierKeys[DataLevel.L1Public]).GetMatterAsync(new GetMatterRequest { MatterCode = "MT-0001" });
        Assert.Equal(["category"], got.Matter.Materials.Single().NeededFields);
        var listed = await _s.Catalogue(_s.PortalKey).ListMattersAsync(new ListMattersRequest { DepartmentCode = LicenseScenario.IssuerOrg });
        Assert.Contains(listed.Matters, m => m.MatterCode == "MT-0001");
    }

    [Fact]
    public async Task RegisterMatter_UnknownTypeOrField_ReportsEachMaterialField()
    {
        var request = Matter("MT-0002");
        request.Materials.Add(new Material { MaterialCode = "M2", Name = "其他", AcceptedTypeCodes = { "11610100MB0000000J998" }, NeededFields = { "x" } });
        request.Materials[0].NeededFields.Add("colour");
        request.DepartmentCode = "bad";

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(request));

        Assert.Equal(
            ["department_code", "materials[0].needed_fields[1]", "materials[1].accepted_type_codes[0]"],
            RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
    }

    private static RegisterMatterRequest Matter(string code) => new()
    {
        MatterCode = code,
        Name = "测试事项",
        DepartmentCode = LicenseScenario.IssuerOrg,
        Materials = { new Material { MaterialCode = "M1", Name = "资格证书", AcceptedTypeCodes = { LicenseScenario.TypeCode }, NeededFields = { "category" } } },
    };
}
