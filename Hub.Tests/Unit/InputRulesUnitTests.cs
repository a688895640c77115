using Hub.Core.Access;
using Hub.Core.Validation;
using Hub.Server.Callers;
using Hub.Tests.Support;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Unit;

/// <summary>The pure rules behind the hardening: what text may contain, what a log entry may hold, the hourly watch.</summary>
[Trait("Category", "Unit")]
public sealed class InputRulesUnitTests
{
    [Theory]
    [InlineData("公租房资格审核", true)]
    [InlineData("𠀀𪚥 rare names", true)]           // supplementary-plane letters are surrogate pairs, and fine
    [InlineData("\uE000 legacy PUA", true)]         // legacy systems encode some rare characters there
    [InlineData("a\u0000b", false)]                  // NUL
    [InlineData("a\u202Eb", false)]                  // right-to-left override
    [InlineData("a\u2067b\u2069", false)]            // bidi isolate
    [InlineData("a\u200Bb", false)]                  // zero-width space
    [InlineData("a\uFEFFb", false)]                  // byte-order mark
    [InlineData("a\u2028b", false)]                  // line separator
    [InlineData("a\uD800b", false)]                  // unpaired surrogate
    [InlineData("line\nbreak", false)]
    public void Text_is_plain_only_without_control_format_or_bidi_characters(string text, bool plain) =>
        Assert.Equal(plain, TextRules.IsPlain(text));

    [Fact]
    public void Face_values_may_break_lines_and_nothing_else()
    {
        Assert.True(TextRules.IsPlain("第一行\n第二行\t", allowLineBreaks: true));
        Assert.False(TextRules.IsPlain("第一行\u202E", allowLineBreaks: true));
    }

    [Fact]
    public void An_access_record_outside_its_limits_is_a_defect_not_a_stored_entry()
    {
        var record = new AccessRecord { CallerId = Guid.NewGuid(), Action = "test.Read", Outcome = "OK" };

        AccessRecordLimits.Check(record with { Purpose = new string('因', AccessRecordLimits.Purpose) });
        Assert.Throws<InvalidOperationException>(() => AccessRecordLimits.Check(record with { Purpose = new string('因', AccessRecordLimits.Purpose + 1) }));
        Assert.Throws<InvalidOperationException>(() => AccessRecordLimits.Check(record with { CaseNumber = "A\u0000" }));
        Assert.Throws<InvalidOperationException>(() => AccessRecordLimits.Check(record with { Fields = [.. Enumerable.Repeat(new string('f', 64), 129)] }));
    }

    [Fact]
    public void The_watch_counts_distinct_holders_per_caller_and_clock_hour()
    {
        var clock = new MovableClock();
        var watch = new AccessWatch(Options.Create(new AccessWatchOptions { DistinctHoldersPerHour = 2, FailedGuessesPerHour = 3 }), clock);
        var (caller, other) = (Guid.NewGuid(), Guid.NewGuid());
        byte[] Holder(int n) => [.. BitConverter.GetBytes((long)n), .. new byte[24]];

        Assert.True(watch.AdmitHolder(caller, Holder(1)));
        Assert.True(watch.AdmitHolder(caller, Holder(2)));
        Assert.False(watch.AdmitHolder(caller, Holder(3)));
        Assert.True(watch.AdmitHolder(caller, Holder(1)));   // one already reached
        Assert.True(watch.AdmitHolder(other, Holder(3)));    // per caller
        watch.CountFailedGuesses(caller, 3);
        Assert.False(watch.GuessesLeft(caller));
        Assert.True(watch.RetryAfter <= TimeSpan.FromHours(1));

        clock.Advance(TimeSpan.FromHours(1));

        Assert.True(watch.AdmitHolder(caller, Holder(3)));   // a new hour
        Assert.True(watch.GuessesLeft(caller));
    }
}
