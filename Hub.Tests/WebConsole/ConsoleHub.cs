using System.Net.Http.Headers;
using Grpc.Net.Client;
using Hub.Tests.Support;
using Microsoft.Playwright;

namespace Hub.Tests.WebConsole;

/// <summary>
/// What the console's browser tests share: the hub on its embedded default as its own process (demo organisations
/// and their keys, as a newcomer's `dotnet Hub.Server.dll` has them), and Debian's Chromium driven headless by
/// Playwright. Chromium missing fails the tests; scripts/test.sh installs it.
/// </summary>
public sealed class ConsoleHub : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public HubProcess Hub { get; } = HubProcess.Embedded();

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots (under the test output).</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "console-screenshots")).FullName;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is not installed; scripts/test.sh installs it (apt-get install chromium).");
        }

        await Hub.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Hub.DisposeAsync();
    }

    /// <summary>A demo organisation's API key (demo-keys/auditor, demo-keys/catalogue …).</summary>
    public string DemoKey(string name) => File.ReadAllText(Path.Combine(Hub.StateDirectory, "demo-keys", name)).Trim();

    public GrpcChannel Channel(string apiKey) => Hub.Channel(apiKey);

    /// <summary>A fresh browser context (its own sessionStorage and localStorage: a new user) on the hub's console.</summary>
    public async Task<IPage> NewPageAsync()
    {
        // The embedded default's certificate is self-signed; a deployment configures its own (docs/operations.md).
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        return page;
    }

    /// <summary>Opens the console and signs in with the key, as a user pastes it; returns once the hub said who this is.</summary>
    public async Task<IPage> SignInAsync(string apiKey)
    {
        var page = await NewPageAsync();
        await page.GotoAsync($"{Hub.TlsUrl}/console/");
        await page.FillAsync("#sign-in input[name=apiKey]", apiKey);
        await page.ClickAsync("#sign-in button[type=submit]");
        await page.WaitForSelectorAsync("#signed-in-as");
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    /// <summary>A REST client of the hub's TLS port (the embedded default's own certificate trusted), for checks outside the browser.</summary>
    public HttpClient Rest(string apiKey)
    {
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Hub.StateDirectory, "tls", "cert.pem"));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(certificate.RawData),
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(Hub.TlsUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }
}
