using System.CommandLine;
using Hub.Catalogue.V1;

namespace Hub.Cli.Commands;

/// <summary>
/// <c>hubctl types add|list|get</c> and <c>hubctl matters add|list|get</c>: the license types and matters (政务服务事项)
/// of the catalogue. Registering needs a CATALOGUE key and a JSON or YAML file (docs/examples); reading, any key.
/// </summary>
internal static class CatalogueCommand
{
    public static Command Types(ConnectionOptions connection, CliEnvironment environment)
    {
        var file = new Option<FileInfo>("--file") { Description = "The license type as JSON or YAML (see docs/examples/license-type.yaml)", Required = true };
        var add = new Command("add", "Register a license type (CATALOGUE key; idempotent on its type code)") { file };
        add.SetAction(async (parsed, cancellationToken) =>
        {
            var request = await RequestFile.ReadAsync<RegisterLicenseTypeRequest>(parsed.GetValue(file)!, cancellationToken);
            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new CatalogueService.CatalogueServiceClient(channel).RegisterLicenseTypeAsync(request, cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () =>
                {
                    environment.Out.WriteLine(response.Created ? "registered" : "already registered (same content)");
                    Print(response.LicenseType, connection, parsed, environment.Out);
                });
            });
        });

        var issuer = new Option<string?>("--issuer") { Description = "Only types this organisation may issue (统一社会信用代码)" };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue a listing" };
        var list = new Command("list", "List license types") { issuer, pageToken };
        list.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new CatalogueService.CatalogueServiceClient(channel).ListLicenseTypesAsync(
                new ListLicenseTypesRequest { IssuerOrgCode = parsed.GetValue(issuer) ?? string.Empty, PageToken = parsed.GetValue(pageToken) ?? string.Empty },
                cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("TYPE_CODE", "NAME", "HOLDER", "SHARING", "FIELDS", "ISSUERS");
                foreach (var type in response.LicenseTypes)
                {
                    table.Add(type.TypeCode, type.Name, CliEnums.Name(type.HolderKind), CliEnums.Name(type.SharingType), type.Fields.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(',', type.IssuerOrgCodes));
                }

                table.WriteTo(environment.Out);
                More(response.NextPageToken, environment.Out);
            });
        }));

        var code = new Argument<string>("type-code") { Description = "证照类型代码 (21 characters)" };
        var get = new Command("get", "Show a license type with its face fields, levels and masks") { code };
        get.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new CatalogueService.CatalogueServiceClient(channel).GetLicenseTypeAsync(
                new GetLicenseTypeRequest { TypeCode = parsed.GetValue(code)! }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(response.LicenseType, connection, parsed, environment.Out));
        }));

        var command = new Command("types", "License types (证照类型) of the catalogue");
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        return command;
    }

    public static Command Matters(ConnectionOptions connection, CliEnvironment environment)
    {
        var file = new Option<FileInfo>("--file") { Description = "The matter and its materials as JSON or YAML (see docs/examples/matter.yaml)", Required = true };
        var add = new Command("add", "Register a matter (政务服务事项) and its materials (CATALOGUE key; idempotent on its code)") { file };
        add.SetAction(async (parsed, cancellationToken) =>
        {
            var request = await RequestFile.ReadAsync<RegisterMatterRequest>(parsed.GetValue(file)!, cancellationToken);
            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new CatalogueService.CatalogueServiceClient(channel).RegisterMatterAsync(request, cancellationToken: cancellationToken);
                connection.Output.Write(parsed, environment, response, () =>
                {
                    environment.Out.WriteLine(response.Created ? "registered" : "already registered (same content)");
                    Print(response.Matter, connection, parsed, environment.Out);
                });
            });
        });

        var department = new Option<string?>("--department") { Description = "Only this department's matters (统一社会信用代码)" };
        var pageToken = new Option<string?>("--page-token") { Description = "Continue a listing" };
        var list = new Command("list", "List matters") { department, pageToken };
        list.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new CatalogueService.CatalogueServiceClient(channel).ListMattersAsync(
                new ListMattersRequest { DepartmentCode = parsed.GetValue(department) ?? string.Empty, PageToken = parsed.GetValue(pageToken) ?? string.Empty },
                cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("MATTER_CODE", "NAME", "DEPARTMENT", "MATERIALS");
                foreach (var matter in response.Matters)
                {
                    table.Add(matter.MatterCode, matter.Name, matter.DepartmentCode, matter.Materials.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                table.WriteTo(environment.Out);
                More(response.NextPageToken, environment.Out);
            });
        }));

        var code = new Argument<string>("matter-code") { Description = "The matter's code" };
        var get = new Command("get", "Show a matter with its materials and the license types that replace each") { code };
        get.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new CatalogueService.CatalogueServiceClient(channel).GetMatterAsync(
                new GetMatterRequest { MatterCode = parsed.GetValue(code)! }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () => Print(response.Matter, connection, parsed, environment.Out));
        }));

        var command = new Command("matters", "Matters (政务服务事项) and their materials (申请材料)");
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(get);
        return command;
    }

    private static void Print(LicenseType type, ConnectionOptions connection, ParseResult parsed, TextWriter output)
    {
        output.WriteLine($"type_code:    {type.TypeCode}");
        output.WriteLine($"name:         {type.Name}");
        output.WriteLine($"defined by:   {type.DefiningOrgCode}");
        output.WriteLine($"issuers:      {string.Join(", ", type.IssuerOrgCodes)}");
        output.WriteLine($"holder:       {CliEnums.Name(type.HolderKind)}");
        output.WriteLine($"sharing:      {CliEnums.Name(type.SharingType)}");
        output.WriteLine($"number level: {CliEnums.Level(type.LicenseNumberLevel, "default")}   status reason level: {CliEnums.Level(type.StatusReasonLevel, "default")}");
        output.WriteLine($"registered:   {connection.Output.Time(parsed, type.RegisteredAt)}");
        var table = new TextTable("  FIELD", "LABEL", "KIND", "REQUIRED", "LEVEL", "MASK");
        foreach (var field in type.Fields)
        {
            table.Add("  " + field.Name, field.Label, CliEnums.Name(field.Kind), field.Required ? "yes" : "no", CliEnums.Level(field.Level, "default"), CliEnums.Name(field.Mask));
        }

        table.WriteTo(output);
    }

    private static void Print(Matter matter, ConnectionOptions connection, ParseResult parsed, TextWriter output)
    {
        output.WriteLine($"matter_code:  {matter.MatterCode}");
        output.WriteLine($"name:         {matter.Name}");
        output.WriteLine($"department:   {matter.DepartmentCode}");
        output.WriteLine($"registered:   {connection.Output.Time(parsed, matter.RegisteredAt)}");
        var table = new TextTable("  MATERIAL", "NAME", "REPLACED BY (证照类型)", "FIELDS NEEDED", "WITHOUT IT (承诺/容缺)") { MaxCellWidth = 60 };
        foreach (var material in matter.Materials)
        {
            table.Add("  " + material.MaterialCode, material.Name, string.Join(',', material.AcceptedTypeCodes), string.Join(',', material.NeededFields), WithoutIt(material));
        }

        table.WriteTo(output);
    }

    // 告知承诺 / 容缺后补: how the material may be accepted without it, and by when proof is due.
    private static string WithoutIt(Material material)
    {
        var modes = new List<string>();
        if (material.Commitment is { } commitment)
        {
            modes.Add($"COMMITMENT {commitment.DeadlineWorkingDays}wd");
        }

        if (material.Deficiency is { } deficiency)
        {
            modes.Add($"DEFICIENCY {deficiency.DeadlineWorkingDays}wd");
        }

        if (material.ExcludeBreachedApplicants)
        {
            modes.Add("not after a breach");
        }

        return modes.Count == 0 ? "-" : string.Join(", ", modes);
    }

    private static void More(string nextPageToken, TextWriter output)
    {
        if (nextPageToken.Length > 0)
        {
            output.WriteLine($"more: --page-token {nextPageToken}");
        }
    }
}
