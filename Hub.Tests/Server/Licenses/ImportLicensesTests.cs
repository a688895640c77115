using System.Text;
using Dapper;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Server.Licenses;

/// <summary>ImportLicenses (归集): real licenses in bulk, rejects by record, idempotent per license number.</summary>
public sealed class ImportLicensesTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    public static ImportRecord Record(ulong sequence, string number, string idNumber = LicenseScenario.CitizenId) => new()
    {
        Sequence = sequence,
        TypeCode = LicenseScenario.TypeCode,
        LicenseNumber = number,
        Holder = new Holder { Name = "赵六", IdType = HolderIdType.CitizenId, IdNumber = idNumber },
        ValidFrom = new Google.Type.Date { Year = 2015, Month = 3, Day = 1 },
        ValidUntil = new Google.Type.Date { Year = 2035, Month = 2, Day = 28 },
        IssuedOn = new Google.Type.Date { Year = 2015, Month = 2, Day = 27 },
        SourceSystem = "XA-RSJ-ZGXT",
        Face = { ["category"] = "B类", ["issued_on"] = "2015-02-27", ["address"] = "陕西省西安市碑林区东大街1号" },
    };

    [Fact]
    public async Task Import_GoodRecords_BecomeSealedAuditedLicensesThatKeepTheirOriginalDateAndSource()
    {
        var answers = await _s.ImportAsync(_s.IssuerKey, [Record(1, "IMP-GOOD-1"), Record(2, "IMP-GOOD-2", LicenseScenario.OtherCitizenId)]);

        var answer = Assert.Single(answers);
        Assert.Equal((2u, 0u, 0u), (answer.Imported, answer.AlreadyPresent, answer.Rejected));
        await using var db = new NpgsqlConnection(_s.Hub.ConnectionString);
        var identifier = await db.ExecuteScalarAsync<string>(
            "SELECT v.identifier FROM licenses l JOIN license_versions v USING (license_id) WHERE l.license_number = 'IMP-GOOD-1'") ?? "";
        Assert.Equal(identifier, answer.Licenses.Single(l => l.Sequence == 1).Identifier);
        Assert.Equal(2, answer.Licenses.Count);
        var license = (await _s.Licenses(_s.IssuerKey).GetLicenseAsync(new GetLicenseRequest { Identifier = identifier })).License;
        Assert.Equal(new Google.Type.Date { Year = 2015, Month = 2, Day = 27 }, license.IssuedOn);
        Assert.Equal("XA-RSJ-ZGXT", license.SourceSystem);
        Assert.Equal("赵六", license.Holder.Name);
        Assert.Contains("\"issued_on\":\"2015-02-27\"", license.CanonicalJson, StringComparison.Ordinal);
        Assert.Contains("\"source_system\":\"XA-RSJ-ZGXT\"", license.CanonicalJson, StringComparison.Ordinal);

        // The seal is a real one: the OpenSSL CLI verifies it with the hub's published key.
        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var folder = Directory.CreateTempSubdirectory("hub-tests-import-seal-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "pub.pem"), keys.Keys.Single(k => k.KeyId == license.Seal.KeyId).PublicKeyPem);
            File.WriteAllBytes(Path.Combine(folder, "content.json"), Encoding.UTF8.GetBytes(license.CanonicalJson));
            File.WriteAllBytes(Path.Combine(folder, "seal.der"), license.Seal.Signature.ToByteArray());
            var (exit, output) = ExternalTool.Run("openssl", "dgst", "-sm3", "-verify", Path.Combine(folder, "pub.pem"),
                "-sigopt", "distid:1234567812345678", "-signature", Path.Combine(folder, "seal.der"), Path.Combine(folder, "content.json"));
            Assert.True(exit == 0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var verified = await _s.VerifyAsync(identifier);
        Assert.True(verified.Valid, verified.Reason);

        // Personal data is encrypted at rest and each license has its audit entry, holder by blind index only.
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM license_versions WHERE identifier = @identifier AND position(convert_to('赵六', 'UTF8') in content_encrypted) > 0", new { identifier }));
        var entry = await db.QuerySingleAsync<(string Outcome, string Purpose, byte[] Holder)>(
            "SELECT outcome, purpose, holder_index FROM access_log WHERE action = 'licenses.ImportLicenses' AND object_id = @identifier", new { identifier });
        Assert.Equal(("IMPORTED", "归集:XA-RSJ-ZGXT"), (entry.Outcome, entry.Purpose));
        Assert.Equal(32, entry.Holder.Length);
    }

    [Fact]
    public async Task Import_BadRecords_AreRejectedAloneWithTheirSequenceFieldAndReason()
    {
        var badId = Record(11, "IMP-BAD-1", idNumber: "610102199001011236");
        var missingFace = Record(12, "IMP-BAD-2");
        missingFace.Face.Remove("category");
        var future = Record(13, "IMP-BAD-3");
        future.IssuedOn = new Google.Type.Date { Year = 2099, Month = 1, Day = 1 };
        var unknownType = Record(14, "IMP-BAD-4");
        unknownType.TypeCode = "11610100MB0000000J999";
        var noSource = Record(15, "IMP-BAD-5");
        noSource.SourceSystem = "旧系统 v1";

        var answer = Assert.Single(await _s.ImportAsync(_s.IssuerKey, [Record(10, "IMP-OK-1"), badId, missingFace, future, unknownType, noSource, Record(16, "IMP-OK-2")]));

        Assert.Equal((2u, 0u, 5u), (answer.Imported, answer.AlreadyPresent, answer.Rejected));
        var rejections = answer.Rejections.Select(r => (r.Sequence, r.Field, r.Code)).ToList();
        Assert.Contains((11ul, "holder.id_number", "INVALID_FIELD"), rejections);
        Assert.Contains((12ul, "face[category]", "INVALID_FIELD"), rejections);
        Assert.Contains((13ul, "issued_on", "INVALID_FIELD"), rejections);
        Assert.Contains((14ul, "type_code", "LICENSE_TYPE_NOT_FOUND"), rejections);
        Assert.Contains((15ul, "source_system", "INVALID_FIELD"), rejections);
        Assert.All(answer.Rejections, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        await using var db = new NpgsqlConnection(_s.Hub.ConnectionString);
        Assert.Equal(["IMP-OK-1", "IMP-OK-2"], (await db.QueryAsync<string>("SELECT license_number FROM licenses WHERE license_number LIKE 'IMP-OK-%' OR license_number LIKE 'IMP-BAD-%' ORDER BY 1")).ToList());
    }

    [Fact]
    public async Task Import_TheSameRecordsAgain_AreAlreadyPresent_AndOtherContentUnderANumberIsAConflict()
    {
        await _s.ImportAsync(_s.IssuerKey, [Record(1, "IMP-AGAIN-1"), Record(2, "IMP-AGAIN-2")]);
        var changed = Record(2, "IMP-AGAIN-2");
        changed.Face["category"] = "C类";
        var duplicate = Record(4, "IMP-AGAIN-3");
        duplicate.Face["category"] = "C类";

        var answer = Assert.Single(await _s.ImportAsync(_s.IssuerKey, [Record(1, "IMP-AGAIN-1"), changed, Record(3, "IMP-AGAIN-3"), duplicate]));

        Assert.Equal((1u, 1u, 2u), (answer.Imported, answer.AlreadyPresent, answer.Rejected));
        Assert.Equal([1ul, 3ul], answer.Licenses.Select(l => l.Sequence).Order()); // the one already present and the one imported now
        Assert.Contains(answer.Rejections, r => r is { Sequence: 2, Field: "license_number", Code: "LICENSE_NUMBER_CONFLICT" });
        Assert.Contains(answer.Rejections, r => r is { Sequence: 4, Field: "license_number", Code: "DUPLICATE_IN_BATCH" });
        await using var db = new NpgsqlConnection(_s.Hub.ConnectionString);
        Assert.Equal(3L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number LIKE 'IMP-AGAIN-%'"));
        Assert.Equal(3L, await db.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM access_log a JOIN license_versions v ON v.identifier = a.object_id JOIN licenses l USING (license_id) WHERE a.action = 'licenses.ImportLicenses' AND l.license_number LIKE 'IMP-AGAIN-%'"));
    }

    [Fact]
    public async Task Import_StoppedPartWayAndRunAgain_LeavesEveryRecordExactlyOnce()
    {
        var records = Enumerable.Range(0, 600).Select(i => Record((ulong)i, $"IMP-RESUME-{i:0000}")).ToList();
        var batches = records.Chunk(100).ToList();
        using (var stop = new CancellationTokenSource())
        {
            using var call = _s.Licenses(_s.IssuerKey).ImportLicenses(cancellationToken: stop.Token);
            await call.RequestStream.WriteAsync(Batch(batches[0]));
            await call.RequestStream.WriteAsync(Batch(batches[1]));
            Assert.True(await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
            await call.RequestStream.WriteAsync(Batch(batches[2]));
            stop.Cancel(); // the client dies with batches in flight
        }

        var answers = await _s.ImportAsync(_s.IssuerKey, records);

        Assert.Equal(600u, (uint)answers.Sum(a => a.Imported + a.AlreadyPresent));
        Assert.True(answers.Sum(a => a.AlreadyPresent) >= 100);
        Assert.Equal(0u, (uint)answers.Sum(a => a.Rejected));
        await using var db = new NpgsqlConnection(_s.Hub.ConnectionString);
        Assert.Equal(600L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number LIKE 'IMP-RESUME-%'"));
        Assert.Equal(600L, await db.ExecuteScalarAsync<long>("SELECT count(DISTINCT license_number) FROM licenses WHERE license_number LIKE 'IMP-RESUME-%'"));
    }

    [Fact]
    public async Task Import_ByAVerifierOrForAnotherOrgsType_IsRefused()
    {
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await _s.ImportAsync(_s.VerifierKeys[DataLevel.L4HighlySensitive], [Record(1, "IMP-ROLE-1")]), "ROLE_REQUIRED");

        var unrelated = (await _s.Hub.RegisterCallerAsync("91610131MA6U000013", "importer", DataLevel.L1Public, Role.Issuer)).ApiKey;
        var answer = Assert.Single(await _s.ImportAsync(unrelated, [Record(1, "IMP-ROLE-2")]));
        Assert.Equal(1u, answer.Rejected);
        Assert.Equal("ISSUER_NOT_ALLOWED", answer.Rejections.Single().Code);
    }

    [Fact]
    public async Task Import_ABatchOverTheLimit_IsInvalidArgument()
    {
        var records = Enumerable.Range(0, 2001).Select(i => Record((ulong)i, $"IMP-BIG-{i}"));

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.ImportAsync(_s.IssuerKey, [.. records], batchSize: 2001));

        Assert.Equal(["records"], RpcAssert.ViolatedFields(error));
    }

    private static ImportLicensesRequest Batch(IEnumerable<ImportRecord> records) => new() { BatchId = Guid.NewGuid().ToString(), Records = { records } };
}
