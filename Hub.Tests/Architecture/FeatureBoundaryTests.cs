using Hub.Server.Licenses;

namespace Hub.Tests.Architecture;

/// <summary>Hub.Server keeps its seams (see <see cref="FeatureBoundaries"/>); each rule is also shown failing on a violation.</summary>
[Trait("Category", "Unit")]
public sealed class FeatureBoundaryTests
{
    private static readonly IReadOnlyDictionary<string, FeatureBoundaries.ServerType> Types = FeatureBoundaries.TypesOf(typeof(LicenseIssuer).Assembly);

    [Fact]
    public void HubServer_KeepsEveryFeatureBoundary()
    {
        var root = Path.Combine(ProjectDependencyTests.RepositoryRoot(), "Hub.Server");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText(f)))
            .ToList();

        Assert.True(files.Count > 50, $"found only {files.Count} source files under {root}");
        Assert.Empty(FeatureBoundaries.Check(files, Types));
    }

    [Fact]
    public void Check_Reports_ARuleThatUsesAnotherFeaturesClass()
    {
        var violations = FeatureBoundaries.Check([("Verification/Bad.cs", "public sealed class Bad(LicenseReader reader) { }")], Types);

        Assert.Equal(["Verification/Bad.cs: uses Licenses's class LicenseReader; features meet only through interfaces and data"], violations);
    }

    [Fact]
    public void Check_Allows_AnotherFeaturesInterfacesAndData()
    {
        Assert.Empty(FeatureBoundaries.Check([("Verification/Good.cs", "sealed class Good(ILicenseDirectory d) { StoredLicense? s; LicenseTypeDefinition? t; }")], Types));
    }

    [Fact]
    public void Check_Reports_APostgresStoreNamedByARule()
    {
        var violations = FeatureBoundaries.Check([("Exchange/GrantDesk.cs", "public sealed class GrantDesk(PostgresGrantStore grants) { }")], Types);

        Assert.Equal(["Exchange/GrantDesk.cs: names PostgresGrantStore; only storage code and its feature's composition root may (depend on its interface)"], violations);
    }

    [Fact]
    public void Check_Reports_SqlOutsideTheStorageLayer()
    {
        var violations = FeatureBoundaries.Check([("Audit/AuditReader.cs", "using Dapper;\nnamespace Hub.Server.Audit;\n")], Types);

        Assert.Equal(["Audit/AuditReader.cs: uses Npgsql or Dapper; SQL belongs in a Postgres* store behind the feature's interface"], violations);
    }

    [Fact]
    public void Check_Reports_AGrpcServiceThatThrows()
    {
        var violations = FeatureBoundaries.Check([("Audit/AuditGrpcService.cs", "x ?? throw new HubException(error);")], Types);

        Assert.Equal(["Audit/AuditGrpcService.cs: throws; a gRPC service returns the rule's outcome through Rpc.RunAsync"], violations);
    }
}
