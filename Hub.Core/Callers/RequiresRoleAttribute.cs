using Hub.Common.V1;

namespace Hub.Core.Callers;

/// <summary>
/// Declares the roles an RPC accepts; a caller holding any one of them passes. An RPC that declares
/// neither this nor <see cref="AllowAnonymousCallerAttribute"/> is refused to everyone (deny by default).
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequiresRoleAttribute(params Role[] roles) : Attribute
{
    public IReadOnlyList<Role> Roles { get; } = roles;
}
