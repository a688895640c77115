namespace Hub.Core.Errors;

/// <summary>One invalid input field: its path in the request (snake_case, as in the proto) and what is wrong.</summary>
public sealed record FieldViolation(string Field, string Description);
