using Hub.Common.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Options;

namespace Hub.Server.Callers;

/// <summary>
/// Makes sure an ADMIN caller exists before the hub takes calls. Production supplies its key
/// (<c>Hub:Bootstrap:AdminApiKey</c>); the embedded default generates one and writes it to
/// <c>.hub/admin-api-key</c> (mode 0600).
/// </summary>
internal sealed class BootstrapAdminService(
    ICallerStore store,
    CallerAuthenticator authenticator,
    HubDatabase database,
    IOptions<BootstrapOptions> bootstrap,
    IOptions<HubOptions> hub,
    ILogger<BootstrapAdminService> logger) : IHostedService
{
    public const string KeyFileName = "admin-api-key";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var keyFile = Path.Combine(hub.Value.StatePath, KeyFileName);
        if (await store.AnyActiveAdminAsync(cancellationToken))
        {
            if (database.Embedded is not null && !File.Exists(keyFile))
            {
                logger.AdminKeyFileMissing(keyFile);
            }

            return;
        }

        string apiKey;
        if (!string.IsNullOrEmpty(bootstrap.Value.AdminApiKey))
        {
            apiKey = bootstrap.Value.AdminApiKey;
        }
        else if (database.Embedded is not null)
        {
            apiKey = File.Exists(keyFile) ? (await File.ReadAllTextAsync(keyFile, cancellationToken)).Trim() : ApiKeys.Generate();
            Directory.CreateDirectory(hub.Value.StatePath);
            PrivateFiles.Write(keyFile, apiKey + "\n");
        }
        else
        {
            throw new InvalidOperationException(
                "No ADMIN caller exists. Set Hub:Bootstrap:AdminApiKey (at least 32 random characters) for the first start.");
        }

        var admin = new NewCaller(
            bootstrap.Value.OrgCode,
            bootstrap.Value.OrgName,
            "hub-bootstrap-admin",
            new HashSet<Role> { Role.Admin },
            DataLevel.L1Public,
            []);
        var record = (await store.RegisterAsync(admin, ApiKeys.Hash(apiKey), null, cancellationToken)).OrFail();
        await authenticator.CallerChangedAsync(cancellationToken);
        logger.BootstrapAdminCreated(record.Caller.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
