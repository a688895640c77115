namespace Hub.Adapters.Exemption;

/// <summary>A 政务服务事项 and the materials it requires.</summary>
public sealed record MatterDefinition(string MatterCode, string Name, string DepartmentCode, IReadOnlyList<MaterialDefinition> Materials);

/// <summary>A required material and the license types that replace it, with the fields the department needs.</summary>
public sealed record MaterialDefinition(string MaterialCode, string Name, IReadOnlyList<string> AcceptedTypeCodes, IReadOnlyList<string> NeededFields);
