using System.Xml.Linq;

namespace Hub.Tests.Architecture;

/// <summary>Dependencies point one way: Server → Adapters → Core → {Contracts, Signing}; Cli → {Contracts, Signing}.</summary>
public sealed class ProjectDependencyTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Hub.Contracts"] = [],
        ["Hub.Signing"] = [],
        ["Hub.Core"] = ["Hub.Contracts", "Hub.Signing"],
        ["Hub.Adapters"] = ["Hub.Core"],
        ["Hub.Server"] = ["Hub.Adapters"],
        ["Hub.Cli"] = ["Hub.Contracts", "Hub.Signing"],
    };

    [Fact]
    public void ProjectReferences_PointOneWay()
    {
        var root = RepositoryRoot();
        foreach (var (project, allowed) in Allowed)
        {
            var references = ProjectReferences(Path.Combine(root, project, project + ".csproj"));
            Assert.True(
                references.All(allowed.Contains),
                $"{project} references {string.Join(", ", references)}; only {string.Join(", ", allowed)} are allowed.");
        }
    }

    [Fact]
    public void ProductProjects_UseNoAspNetBelowTheServer()
    {
        var root = RepositoryRoot();
        foreach (var project in (string[])["Hub.Contracts", "Hub.Signing", "Hub.Core", "Hub.Adapters"])
        {
            var document = XDocument.Load(Path.Combine(root, project, project + ".csproj"));
            Assert.Equal("Microsoft.NET.Sdk", document.Root!.Attribute("Sdk")!.Value);
            Assert.DoesNotContain(
                document.Descendants("PackageReference").Select(p => p.Attribute("Include")!.Value),
                p => p.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || p is "Npgsql" or "StackExchange.Redis" or "Dapper");
        }
    }

    [Fact]
    public void ServerAssembly_ReferencesAdaptersCoreContractsAndSigningTransitivelyOnly()
    {
        var server = typeof(Hub.Server.Callers.PostgresCallerStore).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToHashSet();
        Assert.DoesNotContain("hubctl", server);
        var core = typeof(Hub.Core.Errors.HubError).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToHashSet();
        Assert.DoesNotContain("Hub.Server", core);
        Assert.DoesNotContain("Hub.Adapters", core);
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Hub.sln not found above the test binaries.");
    }

    private static List<string> ProjectReferences(string csproj) =>
        [.. XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))];
}
