using Dapper;
using Google.Protobuf;
using Grpc.Core;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Events.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hub.Tests.Server.Events;

/// <summary>
/// The outbox and the stream: each license change writes its event with its audit entry; a SUBSCRIBER reads them in
/// order with dense ids and each change's log index, with no holder data and nothing above its clearance; it resumes
/// with after_event_id; a caller that relied on a license hears when it is revoked.
/// </summary>
public sealed class ChangeEventTests(PostgresCluster postgres) : IAsyncLifetime
{
    private LicenseScenario _s = null!;
    private string _subscriberKey = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _s = await LicenseScenario.CreateAsync(new HubFactory(postgres, new Dictionary<string, string?> { ["Hub:Events:HeartbeatSeconds"] = "1" }));
        _subscriberKey = (await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", DataLevel.L1Public, Role.Subscriber)).ApiKey;
    }

    public async ValueTask DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Each_license_change_is_an_event_in_order_with_its_log_index_and_no_holder_data()
    {
        var start = await LatestAsync();
        var license = await _s.IssueAsync("EV-0001");
        var amended = (await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(LicenseScenario.AmendRequest(license.Identifier, "B类"))).License;
        await _s.ChangeStatusAsync(amended.Identifier, LicenseStatus.Suspended);
        await _s.ChangeStatusAsync(amended.Identifier, LicenseStatus.Valid);
        await _s.ChangeStatusAsync(amended.Identifier, LicenseStatus.Revoked);

        var events = await EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = start }, 5);

        Assert.Equal(
            [EventTypes.LicenseIssued, EventTypes.LicenseAmended, EventTypes.LicenseSuspended, EventTypes.LicenseReinstated, EventTypes.LicenseRevoked],
            events.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => start + (ulong)i), events.Select(e => e.EventId)); // dense, in order
        Assert.Equal([license.Identifier, .. Enumerable.Repeat(amended.Identifier, 4)], events.Select(e => e.ObjectId));
        Assert.All(events, e => Assert.Equal((LicenseScenario.TypeCode, LicenseScenario.IssuerOrg), (e.LicenseType, e.IssuerOrg)));
        Assert.Equal(["VALID", "VALID", "SUSPENDED", "VALID", "REVOKED"], events.Select(e => e.Data["status"]));
        Assert.Equal("2", events[1].Data["version"]);

        // Each event names its change's audit entry.
        var entries = await new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)).GetEntriesAsync(
            new GetEntriesRequest { FromIndex = events[0].LogIndex, Count = (uint)(events[^1].LogIndex - events[0].LogIndex + 1) });
        var actions = events.Select(e => entries.Entries.Single(x => x.LogIndex == e.LogIndex).EntryJson).ToList();
        Assert.Contains(AuditActions.LicensesIssueLicense, actions[0], StringComparison.Ordinal);
        Assert.Contains(AuditActions.LicensesAmendLicense, actions[1], StringComparison.Ordinal);
        Assert.All(actions[2..], a => Assert.Contains(AuditActions.LicensesChangeLicenseStatus, a, StringComparison.Ordinal));

        // No personal data at any level: no holder, no person's license number, no free-text reason — not even for a
        // subscriber cleared to L4, and not in the table either.
        var l4 = (await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision-l4", DataLevel.L4HighlySensitive, Role.Subscriber)).ApiKey;
        var cleared = await EventReader.ReadAsync(Events(l4), new SubscribeRequest { AfterEventId = start }, 5);
        var text = string.Concat(events.Concat(cleared).Select(e => JsonFormatter.Default.Format(e)));
        Assert.DoesNotContain(LicenseScenario.CitizenId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("王小明", text, StringComparison.Ordinal);
        Assert.DoesNotContain("EV-0001", text, StringComparison.Ordinal);
        Assert.DoesNotContain("license_number", text, StringComparison.Ordinal);
        Assert.DoesNotContain("status_reason", text, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        var stored = string.Concat(await connection.QueryAsync<string>("SELECT data::text FROM events"));
        Assert.DoesNotContain(LicenseScenario.CitizenId, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("EV-0001", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscriber_resumes_after_the_last_event_it_processed_and_filters_by_type()
    {
        var start = await LatestAsync();
        var first = await _s.IssueAsync("EV-0101");
        await _s.IssueAsync("EV-0102");
        await _s.ChangeStatusAsync(first.Identifier, LicenseStatus.Suspended);

        var all = await EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = start }, 3);
        var resumed = await EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = all[0].EventId }, 2);
        var suspensions = await EventReader.ReadAsync(
            Events(_subscriberKey), new SubscribeRequest { AfterEventId = start, Filter = new EventFilter { EventTypes = { EventTypes.LicenseSuspended } } }, 1);

        Assert.Equal(all[1..].Select(e => e.EventId), resumed.Select(e => e.EventId));
        Assert.Equal(all[2].EventId, Assert.Single(suspensions).EventId);
    }

    [Fact]
    public async Task A_quiet_stream_sends_heartbeats_naming_the_latest_event()
    {
        var latest = await LatestAsync();
        var heartbeats = new List<Heartbeat>();

        await EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = latest }, 1, TimeSpan.FromSeconds(3), heartbeats);

        Assert.NotEmpty(heartbeats);
        Assert.All(heartbeats, h => Assert.True(h.LatestEventId >= latest));
    }

    [Fact]
    public async Task Asking_beyond_the_latest_event_or_for_expired_events_is_a_precise_error()
    {
        await _s.IssueAsync("EV-0200"); // so the subscriber has a last event id (0 means "from the oldest kept")
        var latest = await LatestAsync();
        await _s.IssueAsync("EV-0201");
        await _s.IssueAsync("EV-0202");
        await using (var connection = new NpgsqlConnection(_s.Hub.ConnectionString))
        {
            await connection.ExecuteAsync("DELETE FROM events WHERE event_id <= @latest + 1", new { latest = (long)latest }); // as the retention sweep would
        }

        var ahead = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = latest + 1000 }, 1), ReasonCodes.EventIdAhead);
        var expired = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = latest }, 1), ReasonCodes.EventsExpired);
        var unknownType = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => EventReader.ReadAsync(
            Events(_subscriberKey), new SubscribeRequest { Filter = new EventFilter { EventTypes = { "license.exploded" } } }, 1));

        Assert.Contains("resync", expired.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("filter.event_types[0]", unknownType.Status.Detail + string.Join(",", unknownType.Trailers.Select(t => t.Key)), StringComparison.Ordinal);
        Assert.Contains("beyond the latest event", ahead.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verifier_that_relied_on_a_license_hears_when_it_is_revoked_with_its_case_number()
    {
        var license = await _s.IssueAsync("EV-0301");
        await _s.VerifyAsync(license.Identifier);                                  // case XA-2026-000123
        var bystander = _s.VerifierKeys[DataLevel.L3Sensitive];                     // never verified this license
        var start = await LatestAsync();

        await _s.ChangeStatusAsync(license.Identifier, LicenseStatus.Revoked);
        var relied = await EventReader.ReadAsync(Events(_s.VerifierKeys[DataLevel.L2Internal]), new SubscribeRequest { AfterEventId = start }, 1);
        var nothing = await EventReader.ReadAsync(Events(bystander), new SubscribeRequest { AfterEventId = start }, 1, TimeSpan.FromSeconds(2));

        var e = Assert.Single(relied);
        Assert.Equal(EventTypes.LicenseReliedChanged, e.Type);
        Assert.Equal(license.Identifier, e.ObjectId);
        Assert.Equal(EventTypes.LicenseRevoked, e.Data["change"]);
        Assert.Equal("REVOKED", e.Data["status"]);
        Assert.Equal(LicenseScenario.CaseNumber, e.Data["case_number"]);
        Assert.Equal(AuditActions.VerificationVerifyLicense, e.Data["relied_action"]);
        Assert.Empty(nothing); // a verifier hears only about what it relied on; broadcast events are for SUBSCRIBERs
    }

    [Fact]
    public async Task Imports_seal_key_rotation_and_revocation_cancellation_and_supervision_results_are_events_too()
    {
        var start = await LatestAsync();
        using (var call = _s.Licenses(_s.IssuerKey).ImportLicenses())
        {
            await call.RequestStream.WriteAsync(new ImportLicensesRequest { BatchId = Guid.NewGuid().ToString(), Records = { Server.Licenses.ImportLicensesTests.Record(1, "EV-IMP-1") } });
            await call.RequestStream.CompleteAsync();
            await foreach (var answer in call.ResponseStream.ReadAllAsync())
            {
                Assert.Equal(1u, answer.Imported);
            }
        }

        var imported = (await EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = start }, 1)).Single();
        var rotated = await _s.Admin.RotateSigningKeyAsync(new Hub.Admin.V1.RotateSigningKeyRequest());
        await _s.Admin.RevokeSigningKeyAsync(new Hub.Admin.V1.RevokeSigningKeyRequest { KeyId = rotated.KeyId, Reason = "私钥泄露演练" });
        var cancelled = await _s.IssueAsync("EV-CAN-1");
        await _s.ChangeStatusAsync(cancelled.Identifier, LicenseStatus.Cancelled);
        var supervisorKey = (await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "jianguan", DataLevel.L1Public, Role.Supervisor)).ApiKey;
        var reported = await new EventService.EventServiceClient(_s.Hub.Channel(supervisorKey)).ReportSupervisionResultAsync(new ReportSupervisionResultRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifier = imported.ObjectId,
            Result = SupervisionResult.RectificationOrdered,
            Detail = "现场检查发现经营场所与登记不符",
        });
        var afterImport = await EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = imported.EventId }, 4);
        var toIssuer = await EventReader.ReadAsync(Events(_s.IssuerKey), new SubscribeRequest { AfterEventId = imported.EventId }, 1);

        Assert.Equal(EventTypes.LicenseImported, imported.Type);
        Assert.Equal(
            [(EventTypes.SigningKeyRotated, rotated.KeyId), (EventTypes.SigningKeyRevoked, rotated.KeyId), (EventTypes.LicenseIssued, cancelled.Identifier), (EventTypes.LicenseCancelled, cancelled.Identifier)],
            afterImport.Select(e => (e.Type, e.ObjectId)));
        Assert.Equal("CANCELLED", afterImport[3].Data["status"]);
        Assert.NotEqual(rotated.KeyId, afterImport[1].Data["replacement_key_id"]); // the active key was revoked: the hub made a new one
        var finding = Assert.Single(toIssuer); // addressed to the issuer's organisation; not a broadcast
        Assert.Equal((EventTypes.LicenseSupervised, imported.ObjectId, "RECTIFICATION_ORDERED"), (finding.Type, finding.ObjectId, finding.Data["result"]));
        Assert.Equal(reported.ResultId, finding.Data["result_id"]);
        Assert.Contains("detail", finding.Withheld); // L2 text, above the issuer's L1 clearance
    }

    [Fact]
    public async Task A_license_past_its_last_valid_day_is_a_license_expired_event_once_written_by_the_hub_itself()
    {
        var notices = _s.Hub.Services.GetRequiredService<Hub.Server.Infrastructure.Hosting.DateNoticeService>();
        var today = Hub.Core.Time.ChinaCalendar.Today(TimeProvider.System);
        var lastDay = today.AddDays(-2);
        var license = await _s.IssueAsync("EV-EXP-1", validUntil: new Google.Type.Date { Year = lastDay.Year, Month = lastDay.Month, Day = lastDay.Day });
        var start = await LatestAsync();
        await notices.RunOnceAsync(CancellationToken.None); // the first notice starts the watermark today
        await using (var connection = new NpgsqlConnection(_s.Hub.ConnectionString))
        {
            await connection.ExecuteAsync("UPDATE date_notices SET through = @from WHERE kind = 'license.expired'", new { from = today.AddDays(-7) }); // as if last noticed a week ago
        }

        await notices.RunOnceAsync(CancellationToken.None);
        await notices.RunOnceAsync(CancellationToken.None); // nothing twice
        var events = await EventReader.ReadAsync(
            Events(_subscriberKey), new SubscribeRequest { AfterEventId = start, Filter = new EventFilter { EventTypes = { EventTypes.LicenseExpired } } }, 2, TimeSpan.FromSeconds(4));

        var expired = Assert.Single(events);
        Assert.Equal((license.Identifier, "EXPIRED"), (expired.ObjectId, expired.Data["status"]));
        var entry = (await new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)).GetEntriesAsync(new GetEntriesRequest { FromIndex = expired.LogIndex, Count = 1 })).Entries.Single();
        Assert.Contains("\"caller_id\":\"00000000-0000-0000-0000-000000000000\"", entry.EntryJson, StringComparison.Ordinal);
        Assert.Contains(AuditActions.LicensesExpired, entry.EntryJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_caller_s_open_stream_ends_with_CALLER_DISABLED()
    {
        var registered = await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "to-disable", DataLevel.L1Public, Role.Subscriber);
        var stream = RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => EventReader.ReadAsync(Events(registered.ApiKey), new SubscribeRequest(), int.MaxValue, TimeSpan.FromSeconds(20)), ReasonCodes.CallerDisabled);
        await Task.Delay(500);

        await _s.Admin.DisableCallerAsync(new Hub.Admin.V1.DisableCallerRequest { CallerId = registered.CallerId, Reason = "系统下线" });

        await stream.WaitAsync(TimeSpan.FromSeconds(15)); // re-read every five seconds
    }

    private EventService.EventServiceClient Events(string key) => new(_s.Hub.Channel(key));

    private async Task<ulong> LatestAsync()
    {
        var heartbeats = new List<Heartbeat>();
        await EventReader.ReadAsync(Events(_subscriberKey), new SubscribeRequest { AfterEventId = 0, Filter = new EventFilter { EventTypes = { EventTypes.SigningKeyRevoked } } }, 1, TimeSpan.FromSeconds(2.5), heartbeats);
        return heartbeats[^1].LatestEventId;
    }
}
