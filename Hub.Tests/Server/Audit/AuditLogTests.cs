using System.Text;
using Dapper;
using Grpc.Core;
using Hub.Admin.V1;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Signing.Merkle;
using Hub.Signing.Sm2;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Server.Audit;

public sealed class AuditLogTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    private AuditService.AuditServiceClient Audit => new(_s.Hub.Channel(_s.AuditorKey));

    [Fact]
    public async Task Receipt_IsProvableUnderTheNextSignedCheckpoint()
    {
        var license = await _s.IssueAsync("AU-0001");
        var receipt = (await _s.VerifyAsync(license.Identifier)).Receipt;

        var checkpoint = await AuditWaiter.CheckpointCoveringAsync(Audit, (long)receipt.LogIndex);
        var proof = await Audit.GetInclusionProofAsync(new GetInclusionProofRequest { LogIndex = receipt.LogIndex, TreeSize = checkpoint.TreeSize });

        var parsed = Checkpoint.Parse(checkpoint.Checkpoint);
        Assert.Equal((long)checkpoint.TreeSize, parsed.TreeSize);
        Assert.Equal(checkpoint.RootHash.ToByteArray(), parsed.RootHash);
        Assert.True(MerkleTree.VerifyInclusion((long)receipt.LogIndex, parsed.TreeSize, receipt.LeafHash.ToByteArray(), [.. proof.Hashes.Select(h => h.ToByteArray())], parsed.RootHash));
        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        Assert.True(Sm2PublicKey.FromPem(keys.Keys.Single(k => k.KeyId == checkpoint.KeyId).PublicKeyPem).Verify(Encoding.UTF8.GetBytes(checkpoint.Checkpoint), checkpoint.Signature.ToByteArray()));
    }

    [Fact]
    public async Task CheckpointSignature_VerifiesWithTheOpenSslCli()
    {
        await _s.VerifyAsync((await _s.IssueAsync("AU-0002")).Identifier);
        var checkpoint = await AuditWaiter.CheckpointCoveringAsync(Audit, 0);
        var keys = await new VerificationService.VerificationServiceClient(_s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var folder = Directory.CreateTempSubdirectory("hub-tests-ckpt-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "pub.pem"), keys.Keys.Single(k => k.KeyId == checkpoint.KeyId).PublicKeyPem);
            File.WriteAllBytes(Path.Combine(folder, "checkpoint"), Encoding.UTF8.GetBytes(checkpoint.Checkpoint));
            File.WriteAllBytes(Path.Combine(folder, "sig.der"), checkpoint.Signature.ToByteArray());

            var (exit, output) = ExternalTool.Run("openssl", "dgst", "-sm3", "-verify", Path.Combine(folder, "pub.pem"),
                "-sigopt", "distid:1234567812345678", "-signature", Path.Combine(folder, "sig.der"), Path.Combine(folder, "checkpoint"));

            Assert.True(exit == 0, output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ConsistencyProof_BetweenTwoCheckpoints_Verifies()
    {
        await _s.VerifyAsync((await _s.IssueAsync("AU-0003")).Identifier);
        var first = await AuditWaiter.CheckpointCoveringAsync(Audit, 0);
        await _s.VerifyAsync((await _s.IssueAsync("AU-0004")).Identifier);
        var second = await AuditWaiter.CheckpointCoveringAsync(Audit, (long)first.TreeSize);

        var proof = await Audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { FromSize = first.TreeSize, ToSize = second.TreeSize });

        Assert.True(second.TreeSize > first.TreeSize);
        Assert.True(MerkleTree.VerifyConsistency((long)first.TreeSize, (long)second.TreeSize, first.RootHash.ToByteArray(), second.RootHash.ToByteArray(), [.. proof.Hashes.Select(h => h.ToByteArray())]));
    }

    [Fact]
    public async Task Positions_from_two_to_the_63_up_and_times_outside_the_calendar_are_invalid_by_field_not_unknown()
    {
        const ulong TooLarge = (ulong)long.MaxValue + 1;

        var index = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Audit.GetInclusionProofAsync(new GetInclusionProofRequest { LogIndex = TooLarge }));
        var size = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Audit.GetInclusionProofAsync(new GetInclusionProofRequest { LogIndex = 0, TreeSize = ulong.MaxValue }));
        var consistency = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { FromSize = TooLarge, ToSize = ulong.MaxValue }));
        var entries = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Audit.GetEntriesAsync(new GetEntriesRequest { FromIndex = ulong.MaxValue, Count = 1 }));
        var time = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Audit.QueryAccessLogAsync(new QueryAccessLogRequest
        {
            From = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue },
            To = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 0, Nanos = -1 },
        }));

        Assert.Equal(["log_index"], RpcAssert.ViolatedFields(index));
        Assert.Equal(["tree_size"], RpcAssert.ViolatedFields(size));
        Assert.Equal(["from_size", "to_size"], RpcAssert.ViolatedFields(consistency));
        Assert.Equal(["from_index"], RpcAssert.ViolatedFields(entries));
        Assert.Equal(["from", "to"], RpcAssert.ViolatedFields(time));
    }

    [Fact]
    public async Task HolderHistory_AnswersWhoUsedTheDataWhenAndWhy_InOneCall()
    {
        var holderId = "61011319800101" + "003";
        holderId += Hub.Signing.Identifiers.CitizenIdNumber.CheckCharacter(holderId);
        var license = await _s.IssueAsync("AU-0005", idNumber: holderId);
        await _s.Verification(_s.VerifierKeys[DataLevel.L2Internal]).VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "公租房申请资格审核", CaseNumber = LicenseScenario.CaseNumber });
        var holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holderId };

        var history = await Audit.GetHolderAccessHistoryAsync(new GetHolderAccessHistoryRequest { Holder = holder });
        var portalView = await new AuditService.AuditServiceClient(_s.PortalFor(holderId)).GetHolderAccessHistoryAsync(new GetHolderAccessHistoryRequest { Holder = holder });

        var verification = history.Entries.First(e => e.Action == "verification.VerifyLicense");
        Assert.Equal("公租房申请资格审核", verification.Purpose);
        Assert.StartsWith("测试单位", verification.CallerOrgName, StringComparison.Ordinal);
        Assert.Contains("holder.name", verification.Fields);
        Assert.Contains(history.Entries, e => e.Action == "licenses.IssueLicense");
        Assert.Equal(history.Entries.Select(e => e.LogIndex), portalView.Entries.Select(e => e.LogIndex).Where(i => history.Entries.Any(h => h.LogIndex == i)));
        Assert.DoesNotContain(holderId, string.Concat(history.Entries.Select(e => e.EntryJson)), StringComparison.Ordinal);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () =>
            await new AuditService.AuditServiceClient(_s.Hub.Channel(_s.VerifierKeys[DataLevel.L4HighlySensitive])).GetHolderAccessHistoryAsync(new GetHolderAccessHistoryRequest { Holder = holder }), "ROLE_REQUIRED");
    }

    [Fact]
    public async Task QueryAccessLog_FiltersByCallerAndActionNewestFirst()
    {
        var license = await _s.IssueAsync("AU-0006");
        await _s.VerifyAsync(license.Identifier, DataLevel.L3Sensitive);
        await _s.VerifyAsync(license.Identifier, DataLevel.L3Sensitive);
        var callers = await _s.Admin.ListCallersAsync(new ListCallersRequest { PageSize = 500 });
        var verifier = callers.Callers.Single(c => c.Clearance == DataLevel.L3Sensitive && c.Roles.Contains(Role.Verifier));

        var page = await Audit.QueryAccessLogAsync(new QueryAccessLogRequest { CallerId = verifier.CallerId, Action = "verification.VerifyLicense", PageSize = 1 });
        var next = await Audit.QueryAccessLogAsync(new QueryAccessLogRequest { CallerId = verifier.CallerId, Action = "verification.VerifyLicense", PageSize = 1, PageToken = page.NextPageToken });

        Assert.Single(page.Entries);
        Assert.Single(next.Entries);
        Assert.True(page.Entries[0].LogIndex > next.Entries[0].LogIndex);
        Assert.All(page.Entries.Concat(next.Entries), e => Assert.Equal(verifier.CallerId, e.CallerId));
    }

    [Fact]
    public async Task Proofs_BeyondTheLatestCheckpoint_AreFailedPrecondition()
    {
        var checkpoint = await AuditWaiter.CheckpointCoveringAsync(Audit, 0);

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () =>
            await Audit.GetInclusionProofAsync(new GetInclusionProofRequest { LogIndex = 0, TreeSize = checkpoint.TreeSize + 1_000_000 }), "NOT_YET_CHECKPOINTED");
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () =>
            await Audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { FromSize = 0, ToSize = checkpoint.TreeSize }));
        Assert.Equal(["from_size"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task AccessLog_IsDenseAndEveryRowMatchesItsLeaf()
    {
        await _s.VerifyAsync((await _s.IssueAsync("AU-0007")).Identifier);

        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        var rows = (await connection.QueryAsync<(long Index, string Json, byte[] Leaf)>("SELECT log_index, entry_json, leaf_hash FROM access_log ORDER BY log_index")).ToList();
        Assert.Equal(Enumerable.Range(0, rows.Count).Select(i => (long)i), rows.Select(r => r.Index));
        Assert.All(rows, r => Assert.Equal(MerkleTree.LeafHash(Encoding.UTF8.GetBytes(r.Json)), r.Leaf));
    }
}
