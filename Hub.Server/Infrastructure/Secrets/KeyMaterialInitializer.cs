using System.Security.Cryptography;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Keys;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Secrets;

/// <summary>
/// Before the first call: makes sure the data key, the blind-index key, a seal key and the document certificate
/// exist (creating them on first start, race-free across replicas), and loads them.
/// </summary>
internal sealed class KeyMaterialInitializer(
    IDataKeyStore dataKeys,
    MasterKey masterKey,
    DataProtector protector,
    ISigningKeyRing keyRing,
    IOptions<BootstrapOptions> bootstrap) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var purpose in (string[])["data", "blind-index"])
        {
            await dataKeys.EnsureAsync(purpose, () => masterKey.Seal(RandomNumberGenerator.GetBytes(32), Aad(purpose, 1)), cancellationToken);
        }

        var rows = await dataKeys.ListAsync(cancellationToken);
        try
        {
            protector.Load(
                rows.Where(r => r.Purpose == "data").ToDictionary(r => r.Version, r => masterKey.Open(r.KeySealed, Aad(r.Purpose, r.Version))),
                rows.Where(r => r.Purpose == "blind-index").Select(r => masterKey.Open(r.KeySealed, Aad(r.Purpose, r.Version))).Single());
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException("The data keys do not decrypt with this master key: Hub:Secrets:MasterKey is not the key this database was created with.", e);
        }

        await keyRing.InitializeAsync($"CN=Hub e-license documents, O={bootstrap.Value.OrgName}", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Aad(string purpose, short version) => $"data_keys:{purpose}:{version}";
}
