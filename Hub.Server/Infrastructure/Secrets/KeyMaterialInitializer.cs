using System.Security.Cryptography;
using Dapper;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Keys;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Server.Infrastructure.Secrets;

/// <summary>
/// Before the first call: makes sure the data key, the blind-index key, a seal key and the document certificate
/// exist (creating them on first start, race-free across replicas), and loads them.
/// </summary>
internal sealed class KeyMaterialInitializer(
    NpgsqlDataSource dataSource,
    MasterKey masterKey,
    DataProtector protector,
    SigningKeyRing keyRing,
    IOptions<BootstrapOptions> bootstrap,
    TimeProvider time) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            foreach (var purpose in (string[])["data", "blind-index"])
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO data_keys (purpose, version, key_encrypted, created_at)
                    SELECT @purpose, 1, @key, @now WHERE NOT EXISTS (SELECT 1 FROM data_keys WHERE purpose = @purpose)
                    ON CONFLICT DO NOTHING
                    """,
                    new { purpose, key = masterKey.Seal(RandomNumberGenerator.GetBytes(32), Aad(purpose, 1)), now = time.GetUtcNow() },
                    cancellationToken: cancellationToken));
            }

            var rows = (await connection.QueryAsync<(string Purpose, short Version, byte[] Key)>(new CommandDefinition(
                "SELECT purpose, version, key_encrypted FROM data_keys", cancellationToken: cancellationToken))).ToList();
            try
            {
                protector.Load(
                    rows.Where(r => r.Purpose == "data").ToDictionary(r => r.Version, r => masterKey.Open(r.Key, Aad(r.Purpose, r.Version))),
                    rows.Where(r => r.Purpose == "blind-index").Select(r => masterKey.Open(r.Key, Aad(r.Purpose, r.Version))).Single());
            }
            catch (CryptographicException e)
            {
                throw new InvalidOperationException("The data keys do not decrypt with this master key: Hub:Secrets:MasterKey is not the key this database was created with.", e);
            }
        }

        await keyRing.InitializeAsync($"CN=Hub e-license documents, O={bootstrap.Value.OrgName}", cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Aad(string purpose, short version) => $"data_keys:{purpose}:{version}";
}
