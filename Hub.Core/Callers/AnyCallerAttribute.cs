namespace Hub.Core.Callers;

/// <summary>Marks an RPC open to every authenticated, enabled caller whatever its roles (catalogue reads).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class AnyCallerAttribute : Attribute;
