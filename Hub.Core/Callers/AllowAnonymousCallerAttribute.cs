namespace Hub.Core.Callers;

/// <summary>Marks an RPC (or a whole service) that needs no credentials, such as health or published keys.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class AllowAnonymousCallerAttribute : Attribute;
