using Hub.Cli;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>`hubctl events tail` and `hubctl webhooks …` as an operator runs them.</summary>
public sealed class HubCtlEventsTests(PostgresCluster postgres) : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-ctl-events-").FullName;
    private LicenseScenario _s = null!;
    private string _subscriberKey = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _s = await LicenseScenario.CreateAsync(new HubFactory(postgres));
        _subscriberKey = (await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", DataLevel.L1Public, Role.Subscriber)).ApiKey;
    }

    public async ValueTask DisposeAsync() => await _s.DisposeAsync();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Events_tail_prints_one_line_per_event_and_resumes_after_an_id()
    {
        var first = await _s.IssueAsync("CTL-EV-1");
        var second = await _s.IssueAsync("CTL-EV-2");

        var (exit, output, _) = await RunAsync("events", "tail", "--count", "2");
        var (resumedExit, resumed, _) = await RunAsync("events", "tail", "--after", "1", "--count", "1");

        Assert.Equal((0, 0), (exit, resumedExit));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("1  ", lines[0], StringComparison.Ordinal);
        Assert.Contains($"license.issued          {first.Identifier}", lines[0], StringComparison.Ordinal);
        Assert.Contains("status=VALID valid_from=2024-01-01 valid_until=2099-12-31 version=1", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("CTL-EV-1", lines[0], StringComparison.Ordinal); // a person's license number is not in events
        Assert.StartsWith("2  ", resumed, StringComparison.Ordinal);
        Assert.Contains(second.Identifier, resumed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhooks_add_list_failed_and_delete_and_an_unknown_type_is_a_precise_error()
    {
        var secret = Path.Combine(_folder, "secret");
        await File.WriteAllTextAsync(secret, new string('a', 64) + "\n");

        var (added, addOutput, addError) = await RunAsync("webhooks", "add", "--target-url", "https://receiver.example.gov.cn/hook", "--secret-file", secret, "--type", "license.revoked");
        var id = addOutput.Split(' ')[2].TrimEnd(':');
        var (_, listed, _) = await RunAsync("webhooks", "list");
        var (_, failed, _) = await RunAsync("webhooks", "failed");
        var (badType, _, badTypeError) = await RunAsync("webhooks", "add", "--target-url", "https://receiver.example.gov.cn/hook", "--secret-file", secret, "--type", "license.exploded");
        var (deleted, _, deleteError) = await RunAsync("webhooks", "delete", id);
        var (_, afterDelete, _) = await RunAsync("webhooks", "list");

        Assert.True(added == 0, addError);
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.Contains("0 failed deliveries", failed, StringComparison.Ordinal);
        Assert.NotEqual(0, badType);
        Assert.Contains("filter.event_types[0]", badTypeError, StringComparison.Ordinal);
        Assert.True(deleted == 0, deleteError);
        Assert.DoesNotContain(id, afterDelete, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", _s.Hub.Server.BaseAddress.ToString(), "--api-key", _subscriberKey], new CliEnvironment(output, error, _s.Hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
