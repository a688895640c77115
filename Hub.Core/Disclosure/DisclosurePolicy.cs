using Hub.Common.V1;

namespace Hub.Core.Disclosure;

/// <summary>
/// The one policy that decides, field by field, what leaves the hub: PLAIN, MASKED or WITHHELD. Every path that
/// discloses data (license reads, verification, 免证办 answers, brokered queries) goes through it. The rules, in
/// order, are written down in docs/disclosure-policy.md; <see cref="FieldDisclosure.Rule"/> names the one that decided.
/// </summary>
public static class DisclosurePolicy
{
    /// <summary>The holder's name as a field of every license: internal, masked as a name.</summary>
    public static readonly FieldSpec HolderName = new() { Name = "holder.name", Label = "持证主体", Kind = FieldKind.String, Level = DataLevel.L2Internal, Mask = MaskRule.Name };

    /// <summary>The holder's identifier as a field of every license: sensitive, masked as an ID number.</summary>
    public static readonly FieldSpec HolderIdNumber = new() { Name = "holder.id_number", Label = "持证主体代码", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.IdNumber };

    public const string LicenseNumberField = "license_number";

    /// <summary>The license's number as a field, at the level its type gives it, masked like an ID number.</summary>
    public static FieldSpec LicenseNumber(DataLevel level) =>
        new() { Name = LicenseNumberField, Label = "证照编号", Kind = FieldKind.String, Level = level, Mask = MaskRule.IdNumber };

    /// <summary>Why the license was suspended, revoked or cancelled, as a field at the level its type gives it (never masked).</summary>
    public static FieldSpec StatusReason(DataLevel level) =>
        new() { Name = "status_reason", Label = "状态原因", Kind = FieldKind.String, Level = level, Mask = MaskRule.None };

    /// <summary>
    /// The holder's name and identifier as fields. A person's are personal data (L2 and L3); an organisation's name and
    /// 统一社会信用代码 are public registration facts (L1).
    /// </summary>
    public static IReadOnlyList<FieldSpec> HolderFields(bool organization) => organization
        ? [new FieldSpec(HolderName) { Level = DataLevel.L1Public }, new FieldSpec(HolderIdNumber) { Level = DataLevel.L1Public }]
        : [HolderName, HolderIdNumber];

    public static FieldDisclosure Decide(FieldSpec field, DisclosureContext context)
    {
        if (context.FullAccessRule is { } full)
        {
            return Decision(field, DisclosureDecision.Plain, full);
        }

        if (context.WithheldFields?.Contains(field.Name) == true)
        {
            return Decision(field, DisclosureDecision.Withheld, context.WithheldRule);
        }

        if (context.Sharing == SharingType.NotShared)
        {
            return Decision(field, DisclosureDecision.Withheld, "not-shared");
        }

        var named = context.NamedFields?.Contains(field.Name) == true;
        if (context.NamedFields is not null && !named)
        {
            return Decision(field, DisclosureDecision.Withheld, "not-in-grant");
        }

        var maskable = field.Mask is not (MaskRule.None or MaskRule.Unspecified);
        if (field.Level == DataLevel.L4HighlySensitive)
        {
            if (context.Clearance < DataLevel.L4HighlySensitive)
            {
                return Decision(field, DisclosureDecision.Withheld, "l4-needs-l4-clearance");
            }

            return named
                ? Decision(field, DisclosureDecision.Plain, "l4-cleared-and-named")
                : Decision(field, maskable ? DisclosureDecision.Masked : DisclosureDecision.Withheld, "l4-not-named");
        }

        if (field.Level <= context.Clearance)
        {
            return Decision(field, DisclosureDecision.Plain, "within-clearance");
        }

        if (field.Level == context.Clearance + 1 && maskable)
        {
            return Decision(field, DisclosureDecision.Masked, "one-level-above-clearance-masked");
        }

        return Decision(field, DisclosureDecision.Withheld, "above-clearance");
    }

    /// <summary>
    /// Applies the policy to a record. Only the fields present in <paramref name="values"/> are decided, unless
    /// <paramref name="decideAbsent"/>: then every field is decided (a brokered query reports on every field asked
    /// for, including those withheld before the provider was asked and those the provider left empty).
    /// </summary>
    public static DisclosedRecord Apply(IEnumerable<FieldSpec> fields, IReadOnlyDictionary<string, string> values, DisclosureContext context, bool decideAbsent = false)
    {
        var disclosed = new Dictionary<string, string>();
        var decisions = new List<FieldDisclosure>();
        foreach (var field in fields)
        {
            var present = values.TryGetValue(field.Name, out var value);
            if (!present && !decideAbsent)
            {
                continue;
            }

            var decision = Decide(field, context);
            decisions.Add(decision);
            if (value is null)
            {
                continue;
            }

            switch (decision.Decision)
            {
                case DisclosureDecision.Plain:
                    disclosed[field.Name] = value;
                    break;
                case DisclosureDecision.Masked:
                    disclosed[field.Name] = Masking.Apply(field.Mask, value);
                    break;
            }
        }

        return new DisclosedRecord(disclosed, decisions);
    }

    private static FieldDisclosure Decision(FieldSpec field, DisclosureDecision decision, string rule) =>
        new() { Field = field.Name, Decision = decision, Rule = rule };
}
