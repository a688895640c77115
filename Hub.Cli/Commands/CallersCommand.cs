using System.CommandLine;
using Hub.Admin.V1;
using Hub.Common.V1;

namespace Hub.Cli.Commands;

/// <summary><c>hubctl callers add|list|disable</c>: manage the systems allowed to call the hub (ADMIN key).</summary>
internal static class CallersCommand
{
    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("callers", "Register, list and disable calling systems (needs an ADMIN key)");
        command.Subcommands.Add(Add(connection, environment));
        command.Subcommands.Add(List(connection, environment));
        command.Subcommands.Add(Disable(connection, environment));
        command.Subcommands.Add(RotateKey(connection, environment));
        return command;
    }

    private static Command Add(ConnectionOptions connection, CliEnvironment environment)
    {
        var orgCode = new Option<string>("--org-code") { Description = "统一社会信用代码 of the organisation", Required = true };
        var orgName = new Option<string>("--org-name") { Description = "Organisation name", Required = true };
        var systemName = new Option<string>("--system-name") { Description = "Name of the calling system", Required = true };
        var roles = new Option<string[]>("--role")
        {
            Description = "Role to grant (ADMIN, CATALOGUE, ISSUER, VERIFIER, CONSUMER, PROVIDER, AUDITOR, PORTAL, SUBSCRIBER, SUPERVISOR); repeat for several",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var clearance = new Option<string>("--clearance")
        {
            Description = "Highest data level the caller may see unmasked: L1, L2, L3 or L4",
            DefaultValueFactory = _ => "L1",
        };
        var thumbprints = new Option<string[]>("--cert-thumbprint") { Description = "SHA-256 thumbprint of a client certificate; repeat for several" };
        var assertionKey = new Option<FileInfo?>("--assertion-key")
        {
            Description = "PORTAL only (required): PEM file of the SM2 public key that signs its holder assertions",
        };
        var command = new Command("add", "Register a caller and print its API key (shown once)")
        {
            orgCode, orgName, systemName, roles, clearance, thumbprints, assertionKey,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var request = new RegisterCallerRequest
            {
                OrgCode = parsed.GetValue(orgCode)!,
                OrgName = parsed.GetValue(orgName)!,
                SystemName = parsed.GetValue(systemName)!,
                Clearance = CliEnums.Parse<DataLevel>(parsed.GetValue(clearance)!),
                ClientCertificateThumbprints = { parsed.GetValue(thumbprints) ?? [] },
                AssertionPublicKeyPem = parsed.GetValue(assertionKey) is { } keyFile ? await File.ReadAllTextAsync(keyFile.FullName, cancellationToken) : string.Empty,
            };
            foreach (var role in parsed.GetValue(roles) ?? [])
            {
                request.Roles.Add(CliEnums.Parse<Role>(role));
            }

            var unknown = (parsed.GetValue(roles) ?? []).Where(r => CliEnums.Parse<Role>(r) == Role.Unspecified).ToList();
            if (unknown.Count > 0 || request.Clearance == DataLevel.Unspecified)
            {
                foreach (var role in unknown)
                {
                    environment.Error.WriteLine($"error: unknown role '{role}' (ADMIN, CATALOGUE, ISSUER, VERIFIER, CONSUMER, PROVIDER, AUDITOR, PORTAL, SUBSCRIBER, SUPERVISOR)");
                }

                if (request.Clearance == DataLevel.Unspecified)
                {
                    environment.Error.WriteLine($"error: unknown clearance '{parsed.GetValue(clearance)}' (L1, L2, L3 or L4)");
                }

                return 2;
            }

            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new AdminService.AdminServiceClient(channel).RegisterCallerAsync(request, cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () =>
                {
                    environment.Out.WriteLine($"caller_id: {response.CallerId}");
                    environment.Out.WriteLine($"api_key:   {response.ApiKey}");
                    environment.Out.WriteLine("The API key is shown only now; store it in the calling system's secret store.");
                });
            });
        });
        return command;
    }

    private static Command List(ConnectionOptions connection, CliEnvironment environment)
    {
        var all = new Option<bool>("--all") { Description = "Include disabled callers" };
        var pageSize = new Option<int>("--page-size") { Description = "Callers per page (1-500)", DefaultValueFactory = _ => 50 };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue from a previous page" };
        var command = new Command("list", "List registered callers, newest first") { all, pageSize, pageToken };
        command.SetAction(async (parsed, cancellationToken) =>
            await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new AdminService.AdminServiceClient(channel).ListCallersAsync(
                    new ListCallersRequest { IncludeDisabled = parsed.GetValue(all), PageSize = parsed.GetValue(pageSize), PageToken = parsed.GetValue(pageToken) ?? string.Empty },
                    cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () =>
                {
                    var table = new TextTable("CALLER_ID", "ORG_CODE", "ORGANISATION", "SYSTEM", "ROLES", "CLEARANCE", "STATE", $"REGISTERED ({connection.Output.ZoneLabel(parsed)})") { MaxCellWidth = 48 };
                    foreach (var c in response.Callers)
                    {
                        table.Add(c.CallerId, c.OrgCode, c.OrgName, c.SystemName, string.Join(',', c.Roles.Select(RoleName)), CliEnums.Level(c.Clearance, "?"), c.Disabled ? "disabled" : "active", connection.Output.Time(parsed, c.CreatedAt));
                    }

                    table.WriteTo(environment.Out);
                    if (response.NextPageToken.Length > 0)
                    {
                        environment.Out.WriteLine($"more: --page-token {response.NextPageToken}");
                    }
                });
            }));
        return command;
    }

    private static Command Disable(ConnectionOptions connection, CliEnvironment environment)
    {
        var callerId = new Argument<string>("caller-id") { Description = "The caller to disable" };
        var reason = new Option<string>("--reason") { Description = "Why (kept with the caller)", Required = true };
        var command = new Command("disable", "Disable a caller: its key and certificates stop working at once") { callerId, reason };
        command.SetAction(async (parsed, cancellationToken) =>
            await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new AdminService.AdminServiceClient(channel).DisableCallerAsync(
                    new DisableCallerRequest { CallerId = parsed.GetValue(callerId)!, Reason = parsed.GetValue(reason)! },
                    cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () => environment.Out.WriteLine($"disabled: {response.Caller.CallerId} ({response.Caller.SystemName})"));
            }));
        return command;
    }

    private static Command RotateKey(ConnectionOptions connection, CliEnvironment environment)
    {
        var callerId = new Argument<string>("caller-id") { Description = "The caller whose API key to replace (as `callers list` shows it)" };
        var reason = new Option<string>("--reason") { Description = "Why (scheduled rotation, key exposed, …; kept in the audit trail)", Required = true };
        var save = new Option<FileInfo?>("--save-key") { Description = "Write the new key to this file (mode 0600) instead of printing it" };
        var command = new Command("rotate-key", "Give a caller a new API key (shown once); its previous key is refused from the next call on (ADMIN key)") { callerId, reason, save };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            // The file is made before the key exists (0600 from its creation, never over an existing file or link), so
            // a key the hub has already switched to can always be written: the old key stops working at once.
            await using var keyFile = parsed.GetValue(save) is { } file ? CreatePrivateFile(file) : null;
            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new AdminService.AdminServiceClient(channel).RotateCallerKeyAsync(
                    new RotateCallerKeyRequest { CallerId = parsed.GetValue(callerId)!, Reason = parsed.GetValue(reason)! },
                    cancellationToken: cancellationToken);
                environment.Out.WriteLine($"caller_id: {response.Caller.CallerId} ({response.Caller.OrgName} / {response.Caller.SystemName})");
                if (keyFile is not null && await TryWriteAsync(keyFile, response.ApiKey + "\n"))
                {
                    environment.Out.WriteLine($"api_key:   written to {keyFile.Name}");
                }
                else
                {
                    environment.Out.WriteLine($"api_key:   {response.ApiKey}");
                }

                environment.Out.WriteLine("The previous key no longer works; give the new one to the calling system now.");
            });
        });
        return command;
    }

    private static FileStream CreatePrivateFile(FileInfo file)
    {
        try
        {
            return new FileStream(file.FullName, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException e)
        {
            throw new CliUsageException($"--save-key {file.FullName}: {e.Message} (give a new file; nothing was changed)");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliUsageException($"--save-key {file.FullName}: {e.Message} (nothing was changed)");
        }
    }

    private static async Task<bool> TryWriteAsync(FileStream file, string text)
    {
        try
        {
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
            await file.FlushAsync();
            return true;
        }
        catch (IOException)
        {
            return false; // printed instead: a rotated key must never be lost
        }
    }

    private static string RoleName(Role role) => role.ToString().ToUpperInvariant();


}
