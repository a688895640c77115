using System.Globalization;
using System.Net;
using System.Text.Json;
using Dapper;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Exchange.V1;
using Hub.Exemption.V1;
using Hub.Verification.V1;
using Microsoft.Playwright;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.WebConsole;

/// <summary>
/// The web console (/console) in headless Chromium against the hub on its embedded default: what auditors and
/// platform teams do there, checked as they would see it. Screenshots go to console-screenshots/ under the test output.
/// </summary>
public sealed class ConsoleBrowserTests(ConsoleHub console) : IClassFixture<ConsoleHub>
{
    private const string Matter = "610100-XK-SCJG-0021";
    private const string Enterprise = "9161010048WYW2LTKC";

    [Fact]
    public async Task An_auditor_filters_the_log_opens_an_entry_and_the_in_browser_proof_turns_green()
    {
        var logIndex = await CheckMatterAsync();
        var page = await AuditorWithPinnedKeyAsync();

        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/log");
        await page.FillAsync("#log-filters input[name=matterCode]", Matter);
        await page.FillAsync("#log-filters input[name=action]", "exemption.CheckMatter");
        await page.ClickAsync("#log-filters button[type=submit]");
        var row = page.Locator($"#log-results tr[data-key='{logIndex}']");
        await row.WaitForAsync();
        // The unfiltered page may already hold the entry: wait for the filtered answer to replace it (or time out).
        await page.WaitForFunctionAsync(
            "action => [...document.querySelectorAll('#log-results tbody tr')].every(r => r.cells[3]?.textContent === action)",
            "exemption.CheckMatter");
        // Every row the filter left is a CheckMatter of that matter.
        var cells = await page.Locator("#log-results tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [...r.cells].map(c => c.textContent))");
        Assert.NotEmpty(cells);
        Assert.All(cells, c => Assert.Equal(("exemption.CheckMatter", Matter), (c[3], c[4])));

        await row.ClickAsync();
        await page.WaitForSelectorAsync("#entry-json");
        Assert.Contains($"\"log_index\":{logIndex}", await page.TextContentAsync("#entry-json"), StringComparison.Ordinal);
        await page.ClickAsync("#verify-in-browser");
        var verdict = page.Locator("[data-verdict]");
        await verdict.WaitForAsync();
        await ConsoleHub.ScreenshotAsync(page, "auditor-entry-proof-valid");

        Assert.Equal("valid", await verdict.GetAttributeAsync("data-verdict"));
        foreach (var step in new[] { "leaf", "origin", "inclusion", "pinned key", "signature" })
        {
            Assert.Equal("ok", await page.Locator($"[data-step='{step}']").GetAttributeAsync("class"));
        }
    }

    [Fact]
    public async Task An_entry_changed_in_the_database_turns_the_in_browser_proof_red()
    {
        var logIndex = await CheckMatterAsync();
        await WaitUntilCheckpointedAsync(logIndex);

        // An insider with the database's superuser rewrites the entry's purpose behind the hub's back.
        await using (var db = new NpgsqlConnection(console.Hub.EmbeddedConnectionString()))
        {
            await db.OpenAsync();
            await db.ExecuteAsync("ALTER TABLE access_log DISABLE TRIGGER USER");
            var changed = await db.ExecuteAsync(
                "UPDATE access_log SET entry_json = replace(entry_json, '\"purpose\":\"', '\"purpose\":\"已篡改 '), purpose = '已篡改' WHERE log_index = @logIndex",
                new { logIndex = (long)logIndex });
            await db.ExecuteAsync("ALTER TABLE access_log ENABLE TRIGGER USER");
            Assert.Equal(1, changed);
        }

        var page = await AuditorWithPinnedKeyAsync();
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/log/{logIndex}");
        Assert.Contains("已篡改", await page.Locator("#entry-json").TextContentAsync(), StringComparison.Ordinal);
        await page.ClickAsync("#verify-in-browser");
        var verdict = page.Locator("[data-verdict]");
        await verdict.WaitForAsync();
        await ConsoleHub.ScreenshotAsync(page, "auditor-entry-proof-tampered");

        Assert.Equal("invalid", await verdict.GetAttributeAsync("data-verdict"));
        Assert.Equal("bad", await page.Locator("[data-step='leaf']").GetAttributeAsync("class"));
        Assert.Equal("bad", await page.Locator("[data-step='inclusion']").GetAttributeAsync("class"));
        // The checkpoint itself is genuine: only the entry was changed.
        Assert.Equal("ok", await page.Locator("[data-step='signature']").GetAttributeAsync("class"));
    }

    [Fact]
    public async Task Without_the_pinned_log_key_the_in_browser_proof_is_red()
    {
        var logIndex = await CheckMatterAsync();
        var page = await console.SignInAsync(console.DemoKey("auditor"));
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/log/{logIndex}");
        await page.ClickAsync("#verify-in-browser");
        var verdict = page.Locator("[data-verdict]");
        await verdict.WaitForAsync();

        Assert.Equal("invalid", await verdict.GetAttributeAsync("data-verdict"));
        Assert.Contains("not one of the pinned keys", await page.Locator("[data-step='pinned key']").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_approves_a_pending_grant_from_the_queue()
    {
        var requested = await new DataExchangeService.DataExchangeServiceClient(console.Channel(console.DemoKey("consumer-housing"))).RequestGrantAsync(new RequestGrantRequest
        {
            RequestId = "console-" + Guid.NewGuid().ToString("N"),
            ResourceCode = "610100-RS-SB-0001",
            Fields = { "insured_status", "insured_since" },
            Purpose = "公租房资格审核（控制台测试）",
            RequestedDays = 30,
        });
        Assert.Equal(GrantStatus.Pending, requested.Grant.Status);
        var grantId = requested.Grant.GrantId;

        var page = await console.SignInAsync(console.DemoKey("provider-hrss"));
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/grants?status=GRANT_STATUS_PENDING");
        var row = page.Locator($"tr[data-key='{grantId}']");
        await row.WaitForAsync();
        var due = requested.Grant.DueOn;
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{due.Year}-{due.Month:00}-{due.Day:00}"), await row.TextContentAsync(), StringComparison.Ordinal);
        await ConsoleHub.ScreenshotAsync(page, "provider-grant-queue");

        await page.ClickAsync($"button[data-approve='{grantId}']");
        await page.Locator("#grants-message").GetByText("APPROVED").WaitForAsync();

        var stored = await new DataExchangeService.DataExchangeServiceClient(console.Channel(console.DemoKey("provider-hrss"))).GetGrantAsync(new GetGrantRequest { GrantId = grantId });
        Assert.Equal(GrantStatus.Approved, stored.Grant.Status);
    }

    [Fact]
    public async Task A_catalogue_user_sees_each_field_of_a_resource_with_its_classification_level()
    {
        var key = console.DemoKey("catalogue");
        var resource = (await new CatalogueService.CatalogueServiceClient(console.Channel(key)).GetDataResourceAsync(new GetDataResourceRequest { ResourceCode = "610100-RS-SB-0001" })).DataResource;

        var page = await console.SignInAsync(key);
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/resources");
        await page.ClickAsync("tr[data-key='610100-RS-SB-0001']");
        await page.WaitForSelectorAsync("tr[data-key='special_disease']");
        await ConsoleHub.ScreenshotAsync(page, "catalogue-resource-levels");

        foreach (var field in resource.Fields)
        {
            var badge = page.Locator($"tr[data-key='{field.Name}'] .badge");
            Assert.Equal(((int)field.Level).ToString(CultureInfo.InvariantCulture), await badge.GetAttributeAsync("data-level"));
        }

        // The levels differ in colour, not only in text: L4 is not drawn like L1.
        var colours = await page.Locator("tr[data-key] .badge").EvaluateAllAsync<string[]>("badges => badges.map(b => getComputedStyle(b).backgroundColor)");
        Assert.True(colours.Distinct().Count() >= 4, string.Join(", ", colours));
    }

    [Fact]
    public async Task A_caller_without_AUDITOR_cannot_open_the_access_log()
    {
        var page = await console.SignInAsync(console.DemoKey("verifier"));
        Assert.Equal(0, await page.Locator("#nav a[href='#/log']").CountAsync());

        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/log");
        await page.WaitForSelectorAsync("#not-allowed");
        Assert.Contains("AUDITOR", await page.TextContentAsync("#not-allowed"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#log-results").CountAsync());
        await ConsoleHub.ScreenshotAsync(page, "verifier-log-refused");

        // Hiding the page is a courtesy; the hub itself refuses the log to this key.
        var status = await page.EvaluateAsync<int>(
            "async () => (await fetch('/v1/access-log:query', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + sessionStorage.getItem('hub.console.apiKey') }, body: '{}' })).status");
        Assert.Equal(403, status);
    }

    [Fact]
    public async Task The_browsers_SM3_and_SM2_agree_with_the_hubs_signing_engine()
    {
        var key = Hub.Signing.Sm2.Sm2KeyPair.Generate();
        var message = System.Security.Cryptography.RandomNumberGenerator.GetBytes(300);
        var signature = key.Sign(message);
        var page = await console.NewPageAsync();
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/");

        var result = await page.EvaluateAsync<JsonElement>(
            """
            async ([pem, message, signature]) => {
              const { sm3, hex, fromBase64 } = await import('/console/js/sm3.js');
              const { publicKeyFromPem, verify, keyId } = await import('/console/js/sm2.js');
              const key = publicKeyFromPem(pem);
              const bytes = fromBase64(message), sig = fromBase64(signature);
              const altered = bytes.slice(); altered[0] ^= 1;
              return { sm3: hex(sm3(bytes)), keyId: keyId(key), valid: verify(key, bytes, sig), altered: verify(key, altered, sig) };
            }
            """,
            new[] { key.PublicKey.Pem, Convert.ToBase64String(message), Convert.ToBase64String(signature) });

        Assert.Equal(Convert.ToHexStringLower(Hub.Signing.Sm2.Sm3.Hash(message)), result.GetProperty("sm3").GetString());
        Assert.Equal(key.KeyId, result.GetProperty("keyId").GetString());
        Assert.True(result.GetProperty("valid").GetBoolean());
        Assert.False(result.GetProperty("altered").GetBoolean());
    }

    [Fact]
    public async Task The_console_is_served_only_over_TLS_with_a_policy_that_allows_only_the_hubs_own_scripts()
    {
        using var rest = console.Rest(console.DemoKey("auditor"));
        using var page = await rest.GetAsync(new Uri("/console/", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);

        using var plain = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var overH2c = await plain.GetAsync(new Uri($"{console.Hub.Url}/console/"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, overH2c.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_shows_the_days_checks_waived_materials_and_their_share_as_the_log_has_them()
    {
        var key = console.DemoKey("catalogue");
        var figures = new Hub.WebConsole.V1.ConsoleService.ConsoleServiceClient(console.Channel(key));
        var before = await figures.GetServiceFiguresAsync(new Hub.WebConsole.V1.GetServiceFiguresRequest());
        await CheckMatterAsync();
        await CheckMatterAsync();

        var page = await console.SignInAsync(key);
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/dashboard");
        await page.WaitForSelectorAsync("#figure-checks");
        await ConsoleHub.ScreenshotAsync(page, "dashboard");

        // Two more checks than before, each waiving the matter's one material (the demo enterprise holds its 营业执照).
        Assert.Equal((before.Checks + 2).ToString(CultureInfo.InvariantCulture), await page.TextContentAsync("#figure-checks .figure"));
        var matter = page.Locator($"tr[data-key='{Matter}']");
        var cells = await matter.Locator("td").AllTextContentsAsync();
        var beforeMatter = before.Matters.FirstOrDefault(m => m.MatterCode == Matter);
        Assert.Equal((beforeMatter?.Checks ?? 0) + 2, long.Parse(cells[2], CultureInfo.InvariantCulture));
        Assert.Equal($"{(beforeMatter?.MaterialsWaived ?? 0) + 2} / {(beforeMatter?.MaterialsChecked ?? 0) + 2}", cells[3]);
        var after = await figures.GetServiceFiguresAsync(new Hub.WebConsole.V1.GetServiceFiguresRequest());
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{100.0 * after.MaterialsWaived / after.MaterialsChecked:0.0} %"), await page.TextContentAsync("#figure-waived-share .figure"));
        Assert.Contains("ms", await page.TextContentAsync("#figure-average .figure"), StringComparison.Ordinal);
        Assert.True(await page.Locator("svg.chart rect.bar.part").CountAsync() > 0);
    }

    [Fact]
    public async Task An_auditor_sees_the_callers_touching_many_holders_and_the_refusals_the_log_holds()
    {
        // A refusal the log records: the window asks about a field its clearance may not see (结婚证's spouse name, L3).
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await new ExemptionService.ExemptionServiceClient(console.Channel(console.DemoKey("verifier"))).CheckLicenseAsync(new CheckLicenseRequest
        {
            RequestId = "console-" + Guid.NewGuid().ToString("N"),
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = "11010519491231002X" },
            TypeCode = "11100000MB1M001020001",
            Assertions = { new Assertion { Field = "spouse_name", Op = AssertionOp.Exists } },
            CaseNumber = "XA-CONSOLE-MARRIAGE-1",
            Purpose = "婚姻状况核验",
        }));
        Assert.Equal(Grpc.Core.StatusCode.PermissionDenied, refused.StatusCode);

        // What the log itself says, counted here independently of the hub: callers by distinct holders in the last day.
        Dictionary<string, long> expected;
        await using (var db = new NpgsqlConnection(console.Hub.EmbeddedConnectionString()))
        {
            expected = (await db.QueryAsync<(Guid Caller, long Holders)>(
                "SELECT caller_id, count(DISTINCT holder_index) FROM access_log WHERE occurred_at > now() - interval '1 day' AND holder_index IS NOT NULL AND caller_id <> '00000000-0000-0000-0000-000000000000' GROUP BY caller_id HAVING count(DISTINCT holder_index) >= 2"))
                .ToDictionary(r => r.Caller.ToString(), r => r.Holders);
        }

        Assert.NotEmpty(expected);
        var page = await console.SignInAsync(console.DemoKey("auditor"));
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/anomalies?days=1&holders=2");
        await page.WaitForSelectorAsync("#refusals");
        await ConsoleHub.ScreenshotAsync(page, "auditor-anomalies");

        var shown = await page.Locator("#many-holders tbody tr").EvaluateAllAsync<string[][]>("rows => rows.map(r => [r.dataset.key, r.cells[1].textContent])");
        Assert.Equal(expected.OrderBy(p => p.Key).Select(p => (p.Key, p.Value.ToString(CultureInfo.InvariantCulture))), shown.Select(r => (r[0], r[1])).OrderBy(r => r.Item1));
        var verifierRefusals = page.Locator("#refusals tbody tr").Filter(new LocatorFilterOptions { HasText = "综合受理窗口系统" });
        Assert.Contains("FIELD_NOT_DISCLOSABLE", await verifierRefusals.TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_holding_a_registered_client_certificate_is_signed_in_without_a_key()
    {
        // An auditor's system registered by its certificate only (SHA-256 thumbprint), as docs/operations.md describes.
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=审计终端", ecdsa, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var folder = Directory.CreateTempSubdirectory("hub-console-cert-").FullName;
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem(), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(keyPath, ecdsa.ExportPkcs8PrivateKeyPem(), TestContext.Current.CancellationToken);
        using (var admin = console.Channel(HubFactory.AdminApiKey))
        {
            await new Hub.Admin.V1.AdminService.AdminServiceClient(admin).RegisterCallerAsync(new Hub.Admin.V1.RegisterCallerRequest
            {
                OrgCode = "11610100MB8K00007T",
                OrgName = "西安市审计局",
                SystemName = "审计终端（证书）" + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture),
                Roles = { Role.Auditor },
                Clearance = DataLevel.L1Public,
                ClientCertificateThumbprints = { Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(certificate.RawData)) },
            });
        }

        var context = await console.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            IgnoreHTTPSErrors = true,
            ClientCertificates = [new ClientCertificate { Origin = console.Hub.TlsUrl, CertPath = certPath, KeyPath = keyPath }],
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/log");
        await page.WaitForSelectorAsync("#signed-in-as");

        Assert.Contains("审计终端（证书）", await page.TextContentAsync("#signed-in-as"), StringComparison.Ordinal);
        await page.Locator("#log-results tbody tr").First.WaitForAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_verifier_can_open_neither_the_dashboard_nor_the_anomalies()
    {
        using var rest = console.Rest(console.DemoKey("verifier"));
        using var figures = await rest.GetAsync(new Uri("/v1/console/figures", UriKind.Relative), TestContext.Current.CancellationToken);
        using var anomalies = await rest.GetAsync(new Uri("/v1/console/anomalies", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, figures.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, anomalies.StatusCode);

        using var auditor = console.Rest(console.DemoKey("auditor"));
        using var tooLong = await auditor.GetAsync(new Uri("/v1/console/anomalies?from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 92 days", await tooLong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using var notATime = await auditor.GetAsync(new Uri("/v1/console/anomalies?from=yesterday", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, notATime.StatusCode);
        Assert.Contains("must be an RFC 3339 time", await notATime.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    // A 免证办 check by the demo service centre for the demo enterprise: one access-log entry; its index.
    private async Task<ulong> CheckMatterAsync()
    {
        var response = await new ExemptionService.ExemptionServiceClient(console.Channel(console.DemoKey("verifier"))).CheckMatterAsync(new CheckMatterRequest
        {
            RequestId = "console-" + Guid.NewGuid().ToString("N"),
            MatterCode = Matter,
            Applicant = new Holder { IdType = HolderIdType.Uscc, IdNumber = Enterprise },
            CaseNumber = "XA-CONSOLE-" + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture),
            Purpose = "食品经营许可审批",
        });
        return response.Receipt.LogIndex;
    }

    private async Task WaitUntilCheckpointedAsync(ulong logIndex)
    {
        var audit = new Hub.Audit.V1.AuditService.AuditServiceClient(console.Channel(console.DemoKey("auditor")));
        for (var i = 0; i < 100 && (await audit.GetCheckpointAsync(new Hub.Audit.V1.GetCheckpointRequest())).TreeSize <= logIndex; i++)
        {
            await Task.Delay(100);
        }
    }

    // An auditor who pinned the log's key, as `hubctl keys list --save-pem` saves it (here read over gRPC, standing
    // in for the key checked out of band), pasted into the console's key page.
    private async Task<IPage> AuditorWithPinnedKeyAsync()
    {
        var keys = await new VerificationService.VerificationServiceClient(console.Channel(console.DemoKey("verifier"))).GetSigningKeysAsync(new GetSigningKeysRequest());
        var page = await console.SignInAsync(console.DemoKey("auditor"));
        await page.GotoAsync($"{console.Hub.TlsUrl}/console/#/keys");
        foreach (var key in keys.Keys)
        {
            await page.FillAsync("#pin-form textarea[name=pem]", key.PublicKeyPem);
            await page.ClickAsync("#pin-form button[type=submit]");
            await page.Locator($"#pinned-keys li[data-key-id='{key.KeyId}']").WaitForAsync();
        }

        return page;
    }
}
