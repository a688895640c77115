using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Hub.Tests.Architecture;

/// <summary>
/// The rules of Hub.Server's inside (docs/architecture.md, "Layers and ports"), checked over its source text with the
/// kinds of its types taken from the compiled assembly:
/// <list type="number">
/// <item>a feature uses another feature only through interfaces and data (records, enums, structs), never its classes;</item>
/// <item>a <c>Postgres*</c> type is named only by storage code (other <c>Postgres*</c> files, Infrastructure) and by its
/// feature's composition root (<c>*Services.cs</c>) — not even by the rules beside it in its folder;</item>
/// <item>Npgsql and Dapper appear only in <c>Postgres*</c> files and in Infrastructure's Postgres, Embedded and Hosting code;</item>
/// <item>a gRPC service throws nothing: it parses, runs the rule and maps the outcome through <c>Rpc</c>.</item>
/// </list>
/// Demo is exempt from rule 1: it is the embedded default's start-up script and drives the rules as a client would.
/// </summary>
public static partial class FeatureBoundaries
{
    private static readonly HashSet<string> NotFeatures = ["Infrastructure", "Demo"];

    /// <summary>A top-level type of Hub.Server: its feature (first namespace segment below Hub.Server), its folder, whether it is an interface or data.</summary>
    public sealed record ServerType(string Name, string Feature, string Namespace, bool IsContract);

    public static IReadOnlyDictionary<string, ServerType> TypesOf(Assembly assembly)
    {
        var types = new Dictionary<string, ServerType>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (type.DeclaringType is not null || type.Namespace?.StartsWith("Hub.Server.", StringComparison.Ordinal) != true
                || type.IsDefined(typeof(CompilerGeneratedAttribute)) || type.Name.Contains('<'))
            {
                continue;
            }

            var name = type.Name.Split('`')[0];
            var isContract = type.IsInterface || type.IsEnum || type.IsValueType || type.GetMethod("<Clone>$") is not null;
            var feature = type.Namespace.Split('.')[2];

            // A name two features define is not a name this check can attribute: leave it out.
            types[name] = types.TryGetValue(name, out var other) && other.Feature != feature ? other with { Feature = "?" } : new ServerType(name, feature, type.Namespace, isContract);
        }

        return types;
    }

    /// <summary>Every violation in the given files (path relative to Hub.Server, '/'-separated; text).</summary>
    public static List<string> Check(IEnumerable<(string Path, string Text)> files, IReadOnlyDictionary<string, ServerType> types)
    {
        var violations = new List<string>();
        foreach (var (path, text) in files)
        {
            var segments = path.Split('/');
            var feature = segments.Length > 1 ? segments[0] : string.Empty;
            var fileName = segments[^1];
            var storage = fileName.StartsWith("Postgres", StringComparison.Ordinal) || feature == "Infrastructure";
            var compositionRoot = fileName.EndsWith("Services.cs", StringComparison.Ordinal);
            var code = Comment().Replace(text, string.Empty);

            if (UsesSqlClient().IsMatch(code) && !storage && !compositionRoot)
            {
                violations.Add($"{path}: uses Npgsql or Dapper; SQL belongs in a Postgres* store behind the feature's interface");
            }

            if (fileName.EndsWith("GrpcService.cs", StringComparison.Ordinal) && code.Contains("throw ", StringComparison.Ordinal))
            {
                violations.Add($"{path}: throws; a gRPC service returns the rule's outcome through Rpc.RunAsync");
            }

            foreach (var name in Identifier().Matches(code).Select(m => m.Value).Distinct())
            {
                if (!types.TryGetValue(name, out var type) || type.Feature == "?")
                {
                    continue;
                }

                if (name.StartsWith("Postgres", StringComparison.Ordinal) && !storage && !compositionRoot)
                {
                    violations.Add($"{path}: names {name}; only storage code and its feature's composition root may (depend on its interface)");
                }
                else if (feature.Length > 0 && !NotFeatures.Contains(feature) && !NotFeatures.Contains(type.Feature)
                    && type.Feature != feature && !type.IsContract && !compositionRoot)
                {
                    violations.Add($"{path}: uses {type.Feature}'s class {name}; features meet only through interfaces and data");
                }
            }
        }

        return violations;
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*\b")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^using (Npgsql|Dapper)\b", RegexOptions.Multiline)]
    private static partial Regex UsesSqlClient();
}
