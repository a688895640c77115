using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Verification.V1;

namespace Hub.Cli.Commands;

/// <summary><c>hubctl licenses issue|get|status|verify|export|import</c>: the e-license repository from the command line.</summary>
internal static class LicensesCommand
{
    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("licenses", "Issue, read, verify, export and import (归集) e-licenses");
        command.Subcommands.Add(Issue(connection, environment));
        command.Subcommands.Add(Get(connection, environment));
        command.Subcommands.Add(Amend(connection, environment));
        command.Subcommands.Add(Status(connection, environment));
        command.Subcommands.Add(Verify(connection, environment));
        command.Subcommands.Add(Export(connection, environment));
        command.Subcommands.Add(Import.ImportCommand.Create(connection, environment));
        return command;
    }

    private static Command Issue(ConnectionOptions connection, CliEnvironment environment)
    {
        var type = new Option<string>("--type") { Description = "证照类型代码 (21 characters)", Required = true };
        var number = new Option<string>("--number") { Description = "License number printed on the face (证照编号)", Required = true };
        var holderName = new Option<string>("--holder-name") { Description = "持证主体 name", Required = true };
        var holderType = new Option<string>("--holder-id-type") { Description = "CITIZEN_ID, USCC, PASSPORT, HK_MACAO_PERMIT, TAIWAN_PERMIT or FOREIGN_PERMANENT_ID", DefaultValueFactory = _ => "CITIZEN_ID" };
        var holderId = new Option<string>("--holder-id") { Description = "持证主体代码", Required = true };
        var validFrom = new Option<string>("--valid-from") { Description = "First day of validity, YYYY-MM-DD", Required = true };
        var validUntil = new Option<string?>("--valid-until") { Description = "Last day of validity, YYYY-MM-DD (omit for long-term)" };
        var face = new Option<string[]>("--face") { Description = "Face field as name=value; repeat for each field", AllowMultipleArgumentsPerToken = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: repeat it to retry safely (default: a new one)" };
        var command = new Command("issue", "Issue an e-license (ISSUER key)") { type, number, holderName, holderType, holderId, validFrom, validUntil, face, requestId };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var request = new IssueLicenseRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                TypeCode = parsed.GetValue(type)!,
                LicenseNumber = parsed.GetValue(number)!,
                Holder = new Holder { Name = parsed.GetValue(holderName)!, IdType = ParseHolderType(parsed.GetValue(holderType)!), IdNumber = parsed.GetValue(holderId)! },
            };
            if (!TryDate(parsed.GetValue(validFrom), out var from) || !TryDate(parsed.GetValue(validUntil), out var until, optional: true))
            {
                environment.Error.WriteLine("error: dates are YYYY-MM-DD");
                return 2;
            }

            request.ValidFrom = from;
            request.ValidUntil = until;
            ReadFace(parsed.GetValue(face), request.Face);

            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new LicenseService.LicenseServiceClient(channel).IssueLicenseAsync(request, cancellationToken: cancellationToken);
                PrintWritten(connection, parsed, environment, response, request.RequestId, response.License);
            });
        });
        return command;
    }

    private static Command Get(ConnectionOptions connection, CliEnvironment environment)
    {
        var identifier = new Argument<string>("identifier") { Description = "电子证照标识" };
        var purpose = new Option<string?>("--purpose") { Description = "用证事由 (required for verifiers)" };
        var command = new Command("get", "Show a license as this caller may see it") { identifier, purpose };
        command.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new LicenseService.LicenseServiceClient(channel).GetLicenseAsync(
                new GetLicenseRequest { Identifier = parsed.GetValue(identifier)!, Purpose = parsed.GetValue(purpose) ?? string.Empty },
                cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                Print(response.License, environment.Out);
                PrintReceipt(response.Receipt, environment.Out);
            });
        }));
        return command;
    }

    private static Command Amend(ConnectionOptions connection, CliEnvironment environment)
    {
        var identifier = new Argument<string>("identifier") { Description = "The current version's 电子证照标识 (an older one is refused: someone amended it since)" };
        var face = new Option<string[]>("--face") { Description = "The complete new face, as name=value; repeat for every field (fields left out are removed)", Required = true, AllowMultipleArgumentsPerToken = true };
        var validUntil = new Option<string?>("--valid-until") { Description = "New last day of validity, YYYY-MM-DD (default: unchanged)" };
        var longTerm = new Option<bool>("--long-term") { Description = "Make the license long-term (长期, no end of validity)" };
        var reason = new Option<string>("--reason") { Description = "Why it is amended (kept in the audit trail)", Required = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: repeat it to retry safely (default: a new one)" };
        var command = new Command("amend", "Amend a license: a new sealed version with a new identifier; relying parties are told (ISSUER key)") { identifier, face, validUntil, longTerm, reason, requestId };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (!TryDate(parsed.GetValue(validUntil), out var until, optional: true))
            {
                throw new CliUsageException("--valid-until is YYYY-MM-DD");
            }

            if (until is not null && parsed.GetValue(longTerm))
            {
                throw new CliUsageException("give --valid-until or --long-term, not both");
            }

            var request = new AmendLicenseRequest
            {
                RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                Identifier = parsed.GetValue(identifier)!,
                ValidUntil = until,
                LongTerm = parsed.GetValue(longTerm),
                Reason = parsed.GetValue(reason)!,
            };
            ReadFace(parsed.GetValue(face), request.Face);
            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new LicenseService.LicenseServiceClient(channel).AmendLicenseAsync(request, cancellationToken: cancellationToken);
                PrintWritten(connection, parsed, environment, response, request.RequestId, response.License);
            });
        });
        return command;
    }

    /// <summary>A write's answer: the request_id to retry it with, then the license as it now is (or the JSON).</summary>
    private static void PrintWritten(ConnectionOptions connection, ParseResult parsed, CliEnvironment environment, IMessage response, string requestId, License license) =>
        connection.Output.Write(parsed, environment, response, () =>
        {
            environment.Out.WriteLine($"request_id: {requestId}");
            Print(license, environment.Out);
        });

    /// <summary>--face name=value pairs into the request's face; a pair without '=' is a usage error.</summary>
    private static void ReadFace(string[]? pairs, Google.Protobuf.Collections.MapField<string, string> face)
    {
        foreach (var pair in pairs ?? [])
        {
            var split = pair.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0)
            {
                throw new CliUsageException($"--face '{pair}' is not name=value");
            }

            face[pair[..split]] = pair[(split + 1)..];
        }
    }

    private static Command Status(ConnectionOptions connection, CliEnvironment environment)
    {
        var identifier = new Argument<string>("identifier") { Description = "电子证照标识" };
        var status = new Option<string>("--to") { Description = "VALID, SUSPENDED, REVOKED or CANCELLED", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the audit trail)", Required = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)" };
        var command = new Command("status", "Suspend, reinstate, revoke or cancel a license (ISSUER key)") { identifier, status, reason, requestId };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (!Enum.TryParse<LicenseStatus>(parsed.GetValue(status), true, out var target) || target == LicenseStatus.Unspecified)
            {
                environment.Error.WriteLine("error: --to must be VALID, SUSPENDED, REVOKED or CANCELLED");
                return 2;
            }

            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new LicenseService.LicenseServiceClient(channel).ChangeLicenseStatusAsync(
                    new ChangeLicenseStatusRequest
                    {
                        RequestId = parsed.GetValue(requestId) ?? Guid.NewGuid().ToString(),
                        Identifier = parsed.GetValue(identifier)!,
                        Status = target,
                        Reason = parsed.GetValue(reason)!,
                    },
                    cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () => Print(response.License, environment.Out));
            });
        });
        return command;
    }

    private static Command Verify(ConnectionOptions connection, CliEnvironment environment)
    {
        var identifier = new Argument<string?>("identifier") { Description = "电子证照标识 (or use --document)", Arity = ArgumentArity.ZeroOrOne };
        var document = new Option<FileInfo?>("--document") { Description = "An exported license document (XML) to verify instead" };
        var purpose = new Option<string>("--purpose") { Description = "用证事由", Required = true };
        var saveReceipt = new Option<FileInfo?>("--save-receipt") { Description = "Save the access-log receipt as JSON (for `hubctl receipt prove|verify`)" };
        var caseNumber = new Option<string?>("--case-number") { Description = "The case (办件编号) this verification serves; without it (or the holder) a person's identity is withheld" };
        var command = new Command("verify", "Verify a license (VERIFIER key); exit code 0 only when valid") { identifier, document, purpose, caseNumber, saveReceipt };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var request = new VerifyLicenseRequest { Purpose = parsed.GetValue(purpose)!, CaseNumber = parsed.GetValue(caseNumber) ?? string.Empty };
            if (parsed.GetValue(document) is { } file)
            {
                request.Document = ByteString.CopyFrom(await File.ReadAllBytesAsync(file.FullName, cancellationToken));
            }
            else if (parsed.GetValue(identifier) is { Length: > 0 } id)
            {
                request.Identifier = id;
            }
            else
            {
                environment.Error.WriteLine("error: give an identifier or --document FILE");
                return 2;
            }

            var valid = false;
            var exit = await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new VerificationService.VerificationServiceClient(channel).VerifyLicenseAsync(request, cancellationToken: cancellationToken);
                valid = response.Valid;
                connection.Output.Write(parsed, environment, response, () =>
                {
                    environment.Out.WriteLine(response.Valid ? "VALID" : $"NOT VALID: {response.Reason}");
                    foreach (var check in response.Checks)
                    {
                        environment.Out.WriteLine($"  {(check.Passed ? "pass" : "FAIL"),-4}  {check.Name,-18} {check.Detail}");
                    }

                    Print(response.License, environment.Out);
                    PrintReceipt(response.Receipt, environment.Out);
                });
                if (parsed.GetValue(saveReceipt) is { } receiptFile && response.Receipt is { } receipt)
                {
                    await File.WriteAllTextAsync(
                        receiptFile.FullName,
                        System.Text.Json.JsonSerializer.Serialize(new Audit.ReceiptBundle((long)receipt.LogIndex, receipt.LeafHash.ToBase64(), receipt.EntryJson), AuditCommand.Indented),
                        cancellationToken);
                }
            });
            return exit != 0 ? exit : valid ? ExitCodes.Ok : ExitCodes.Negative;
        });
        return command;
    }

    private static Command Export(ConnectionOptions connection, CliEnvironment environment)
    {
        var identifier = new Argument<string>("identifier") { Description = "电子证照标识" };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the signed XML document", Required = true };
        var command = new Command("export", "Export the portable signed XML document (ISSUER key)") { identifier, output };
        command.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new LicenseService.LicenseServiceClient(channel).ExportLicenseDocumentAsync(
                new ExportLicenseDocumentRequest { Identifier = parsed.GetValue(identifier)! }, cancellationToken: cancellationToken);
            var file = parsed.GetValue(output)!;
            await File.WriteAllBytesAsync(file.FullName, response.Document.ToByteArray(), cancellationToken);
            environment.Out.WriteLine($"wrote {file.FullName} ({response.Document.Length} bytes, {response.MediaType})");
        }));
        return command;
    }

    private static void Print(License? license, TextWriter output)
    {
        if (license is null)
        {
            return;
        }

        output.WriteLine($"identifier:     {license.Identifier}");
        output.WriteLine($"type:           {license.TypeCode} {license.TypeName}");
        output.WriteLine($"license_number: {license.LicenseNumber}");
        output.WriteLine($"version:        {license.Version} (current {license.CurrentVersion})");
        output.WriteLine($"status:         {license.Status.ToString().ToUpperInvariant()}{(license.StatusReason.Length > 0 ? $" ({license.StatusReason})" : string.Empty)}");
        output.WriteLine($"holder:         {Show(license.Holder?.Name)} / {license.Holder?.IdType.ToString().ToUpperInvariant()} {Show(license.Holder?.IdNumber)}");
        output.WriteLine($"issuer:         {license.IssuerOrgCode} {license.IssuerOrgName}");
        output.WriteLine($"valid:          {Date(license.ValidFrom)} to {(license.ValidUntil is null ? "长期" : Date(license.ValidUntil))}");
        if (license.IssuedOn is not null || license.SourceSystem.Length > 0)
        {
            output.WriteLine($"imported (归集): first issued {Date(license.IssuedOn)} by {license.SourceSystem}");
        }
        foreach (var (name, value) in license.Face.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  face.{name}: {value}");
        }

        foreach (var withheld in license.Disclosure.Where(d => d.Decision == DisclosureDecision.Withheld))
        {
            output.WriteLine($"  {withheld.Field}: (withheld: {withheld.Rule})");
        }

        if (license.Seal is not null)
        {
            output.WriteLine($"seal:           {license.Seal.Algorithm} by key {license.Seal.KeyId}");
        }
    }

    private static void PrintReceipt(Receipt? receipt, TextWriter output)
    {
        if (receipt is not null)
        {
            output.WriteLine($"receipt:        log index {receipt.LogIndex}, leaf {Convert.ToHexStringLower(receipt.LeafHash.ToByteArray())}");
        }
    }

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(withheld)" : value;

    private static string Date(Google.Type.Date? date) => CliDates.Format(date);

    private static HolderIdType ParseHolderType(string name) =>
        Enum.TryParse<HolderIdType>(name.Replace("_", string.Empty, StringComparison.Ordinal), true, out var type) ? type : HolderIdType.Unspecified;

    private static bool TryDate(string? text, out Google.Type.Date? date, bool optional = false)
    {
        date = null;
        if (string.IsNullOrEmpty(text))
        {
            return optional;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return false;
        }

        date = new Google.Type.Date { Year = day.Year, Month = day.Month, Day = day.Day };
        return true;
    }
}
