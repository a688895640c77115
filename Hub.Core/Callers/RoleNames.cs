using Hub.Common.V1;

namespace Hub.Core.Callers;

/// <summary>Role names as stored and shown: the enum value without its <c>ROLE_</c> prefix (ADMIN, VERIFIER …).</summary>
public static class RoleNames
{
    private static readonly Dictionary<Role, string> Names = Enum.GetValues<Role>()
        .Where(r => r != Role.Unspecified)
        .ToDictionary(r => r, r => r.ToString().ToUpperInvariant());

    private static readonly Dictionary<string, Role> ByName = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    public static string Name(Role role) => Names.TryGetValue(role, out var name) ? name : role.ToString();

    public static bool TryParse(string name, out Role role) =>
        ByName.TryGetValue(name.StartsWith("ROLE_", StringComparison.OrdinalIgnoreCase) ? name[5..] : name, out role);
}
