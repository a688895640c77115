using Hub.Core.Validation;

namespace Hub.Core.Access;

/// <summary>
/// What an access-log entry may hold, member by member. Entries are append-only and hashed into the Merkle tree, so
/// nothing larger or stranger than this can ever be cleaned up: request validation keeps every input within these
/// limits before any work (the limits are <see cref="InputLimits"/>' own), and the log refuses a record outside them
/// as a defect rather than storing it. The <c>access_log</c> and <c>access_log_queue</c> columns have exactly these
/// widths (a test compares them).
/// </summary>
public static class AccessRecordLimits
{
    public const int Action = InputLimits.ActionLength;
    public const int ObjectType = InputLimits.CodeLength;
    public const int ObjectId = InputLimits.NameLength;

    /// <summary>The why of an access: a request's purpose, or a status change's or amendment's reason (the longer).</summary>
    public const int Purpose = InputLimits.ReasonLength;
    public const int MatterCode = InputLimits.CodeLength;
    public const int CaseNumber = InputLimits.CodeLength;
    public const int Outcome = InputLimits.CodeLength;

    /// <summary>A disclosed field's name, or a material's code and a field name (<c>material.field</c>).</summary>
    public const int FieldName = (2 * InputLimits.CodeLength) + 1;

    /// <summary>
    /// The field names of one entry together, in characters: a query's selection, or every material's needed fields of
    /// a matter. Registration keeps resources and matters within it, so with the members above no entry exceeds ~11 KB.
    /// </summary>
    public const int FieldsLength = 8192;

    /// <summary>Throws when the record breaks a limit: a request reached the log without its validation.</summary>
    public static void Check(AccessRecord record)
    {
        Member("action", record.Action, Action);
        Member("object_type", record.ObjectType, ObjectType);
        Member("object_id", record.ObjectId, ObjectId);
        Member("purpose", record.Purpose, Purpose);
        Member("matter_code", record.MatterCode, MatterCode);
        Member("case_number", record.CaseNumber, CaseNumber);
        Member("outcome", record.Outcome, Outcome);
        var total = 0;
        foreach (var field in record.Fields)
        {
            Member("fields[]", field, FieldName);
            total += field.Length;
        }

        if (total > FieldsLength)
        {
            throw Refused("fields", $"{total} characters of field names, more than {FieldsLength}");
        }
    }

    private static void Member(string name, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > maxLength)
        {
            throw Refused(name, $"{value.Length} characters, more than {maxLength}");
        }

        if (!TextRules.IsPlain(value))
        {
            throw Refused(name, "control, format or bidirectional characters");
        }
    }

    private static InvalidOperationException Refused(string member, string problem) =>
        new($"an access record's {member} has {problem}; its request was not validated before it reached the log.");
}
