using Hub.Core.Contracts;

namespace Hub.Core.Errors;

/// <summary>
/// One invalid input field: its path in the request (snake_case, as in the proto; the REST facade answers the JSON
/// names), what is wrong, and a stable reason (<see cref="FieldReasons"/>).
/// </summary>
public sealed record FieldViolation(string Field, string Description, string Reason = FieldReasons.InvalidField);
