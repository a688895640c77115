using System.CommandLine;
using Hub.Admin.V1;
using Hub.Verification.V1;

namespace Hub.Cli.Commands;

/// <summary><c>hubctl keys list|rotate|revoke</c>: the hub's SM2 seal keys.</summary>
internal static class KeysCommand
{
    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("keys", "List, rotate and revoke the hub's seal keys");

        var pemFolder = new Option<DirectoryInfo?>("--save-pem") { Description = "Also write each public key and the document certificate as PEM files here" };
        var list = new Command("list", "List seal keys and the document certificate (no key needed)") { pemFolder };
        list.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new VerificationService.VerificationServiceClient(channel).GetSigningKeysAsync(new GetSigningKeysRequest(), cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("KEY_ID", "ALGORITHM", "STATUS", $"SINCE ({connection.Output.ZoneLabel(parsed)})", "REVOKED") { MaxCellWidth = 60 };
                foreach (var key in response.Keys)
                {
                    table.Add(key.KeyId, key.Algorithm, key.Status.ToString().ToUpperInvariant(), connection.Output.Time(parsed, key.NotBefore), key.RevocationReason);
                }

                table.WriteTo(environment.Out);
            });

            if (parsed.GetValue(pemFolder) is { } folder)
            {
                folder.Create();
                foreach (var key in response.Keys)
                {
                    await File.WriteAllTextAsync(Path.Combine(folder.FullName, key.KeyId + ".pem"), key.PublicKeyPem, cancellationToken);
                    if (key.Status == KeyStatus.Revoked && key.NotAfter is { } revokedAt)
                    {
                        // Auditors pinning these keys refuse checkpoints signed by a revoked one (hubctl audit, receipt).
                        await File.WriteAllTextAsync(
                            Path.Combine(folder.FullName, key.KeyId + Audit.LogTrust.RevokedSuffix),
                            revokedAt.ToDateTimeOffset().ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\n",
                            cancellationToken);
                    }
                }

                await File.WriteAllTextAsync(Path.Combine(folder.FullName, "document-certificate.pem"), response.DocumentCertificatePem, cancellationToken);
                environment.Error.WriteLine($"wrote {response.Keys.Count + 1} PEM files to {folder.FullName}");
            }
        }));
        command.Subcommands.Add(list);

        var rotate = new Command("rotate", "Make a new seal key active; the old one keeps verifying (ADMIN key)");
        rotate.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new AdminService.AdminServiceClient(channel).RotateSigningKeyAsync(new RotateSigningKeyRequest(), cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => environment.Out.WriteLine($"active: {response.KeyId}  retired: {response.RetiredKeyId}"));
        }));
        command.Subcommands.Add(rotate);

        var keyId = new Argument<string>("key-id") { Description = "The key to revoke" };
        var reason = new Option<string>("--reason") { Description = "Why (compromise, …)", Required = true };
        var revoke = new Command("revoke", "Revoke a compromised key: its seals fail the KEY check (ADMIN key)") { keyId, reason };
        revoke.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new AdminService.AdminServiceClient(channel).RevokeSigningKeyAsync(
                new RevokeSigningKeyRequest { KeyId = parsed.GetValue(keyId)!, Reason = parsed.GetValue(reason)! }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => environment.Out.WriteLine($"revoked: {response.KeyId}  active: {response.ActiveKeyId}"));
        }));
        command.Subcommands.Add(revoke);
        return command;
    }
}
