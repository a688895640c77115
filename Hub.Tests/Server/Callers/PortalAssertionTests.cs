using Grpc.Core;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Licenses.V1;
using Hub.Signing.Assertions;
using Hub.Signing.Sm2;
using Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Server.Callers;

/// <summary>
/// PORTAL trust: a portal reads a holder's data in full only for the holder it authenticated, as a short-lived
/// assertion signed with the portal's registered SM2 key names them — not for anyone it merely names.
/// </summary>
public sealed class PortalAssertionTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task A_portal_lists_the_licenses_of_the_holder_it_asserts_and_of_no_one_else()
    {
        var holder = TestPeople.NewCitizenId();
        var stranger = TestPeople.NewCitizenId();
        await _s.IssueAsync("PA-0001", idNumber: holder);
        await _s.IssueAsync("PA-0002", idNumber: stranger);

        var own = await Licenses(_s.PortalFor(holder)).ListHolderLicensesAsync(List(holder));
        var other = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await Licenses(_s.PortalFor(holder)).ListHolderLicensesAsync(List(stranger)), "HOLDER_NOT_ASSERTED");
        var none = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await Licenses(_s.Hub.Channel(_s.PortalKey)).ListHolderLicensesAsync(List(stranger)), "HOLDER_NOT_ASSERTED");

        Assert.Equal(holder, Assert.Single(own.Licenses).Holder.IdNumber); // in full: the holder's own view
        Assert.Contains("another holder", other.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("x-hub-holder-assertion", none.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_forged_or_foreign_assertion_is_unauthenticated_with_the_reason()
    {
        var holder = TestPeople.NewCitizenId();
        var now = _s.Hub.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var citizen = LicenseScenario.ProtoName(HolderIdType.CitizenId);

        var expired = HolderAssertionToken.Create(_s.PortalAssertionKey, _s.PortalId, citizen, holder, now.AddMinutes(-20), TimeSpan.FromMinutes(5));
        var tooLong = HolderAssertionToken.Create(_s.PortalAssertionKey, _s.PortalId, citizen, holder, now, TimeSpan.FromHours(1));
        var forged = HolderAssertionToken.Create(Sm2KeyPair.Generate(), _s.PortalId, citizen, holder, now, TimeSpan.FromMinutes(5));
        var otherAudience = HolderAssertionToken.Create(_s.PortalAssertionKey, Guid.NewGuid(), citizen, holder, now, TimeSpan.FromMinutes(5));
        var badHolder = HolderAssertionToken.Create(_s.PortalAssertionKey, _s.PortalId, citizen, "610102199001011239", now, TimeSpan.FromMinutes(5));

        foreach (var (token, why) in new[]
        {
            (expired, "expired"), (tooLong, "at most 10 minutes"), (forged, "does not verify"), (otherAudience, "another caller"),
            (badHolder, "holder is not valid"), ("ha1.not-base64!.x", "base64url"),
        })
        {
            var channel = _s.Hub.Channel(_s.PortalKey, new Dictionary<string, string> { [PortalActingFor.AssertionHeader] = token });
            var refused = await RpcAssert.FailsAsync(StatusCode.Unauthenticated, async () => await Licenses(channel).ListHolderLicensesAsync(List(holder)), "HOLDER_ASSERTION_INVALID");
            Assert.Contains(why, refused.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_portal_that_signs_with_openssl_is_understood_as_docs_integration_md_writes_it()
    {
        var holder = TestPeople.NewCitizenId();
        await _s.IssueAsync("PA-OPENSSL", idNumber: holder);
        var folder = Directory.CreateTempSubdirectory("hub-tests-portal-").FullName;
        try
        {
            string File(string name) => Path.Combine(folder, name);
            Assert.Equal(0, ExternalTool.Run("openssl", "genpkey", "-algorithm", "SM2", "-out", File("portal.key")).ExitCode);
            Assert.Equal(0, ExternalTool.Run("openssl", "pkey", "-in", File("portal.key"), "-pubout", "-out", File("portal.pub")).ExitCode);
            var registered = await new AdminService.AdminServiceClient(_s.Hub.Channel(HubFactory.AdminApiKey)).RegisterCallerAsync(new RegisterCallerRequest
            {
                OrgCode = "11610100MB0000000J", OrgName = "门户", SystemName = "openssl-portal", Roles = { Role.Portal }, Clearance = DataLevel.L1Public,
                AssertionPublicKeyPem = await System.IO.File.ReadAllTextAsync(File("portal.pub")),
            });
            var now = _s.Hub.Services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
            await System.IO.File.WriteAllTextAsync(File("payload.json"), $$"""{"aud":"{{registered.CallerId}}","exp":{{now + 300}},"iat":{{now}},"id_number":"{{holder}}","id_type":"HOLDER_ID_TYPE_CITIZEN_ID"}""");
            var (signed, output) = ExternalTool.Run("openssl", "dgst", "-sm3", "-sign", File("portal.key"), "-sigopt", "distid:1234567812345678", "-out", File("sig.der"), File("payload.json"));
            Assert.True(signed == 0, output);
            var token = "ha1." + System.Buffers.Text.Base64Url.EncodeToString(await System.IO.File.ReadAllBytesAsync(File("payload.json")))
                + "." + System.Buffers.Text.Base64Url.EncodeToString(await System.IO.File.ReadAllBytesAsync(File("sig.der")));

            var listed = await Licenses(_s.Hub.Channel(registered.ApiKey, new Dictionary<string, string> { [PortalActingFor.AssertionHeader] = token })).ListHolderLicensesAsync(List(holder));

            Assert.Equal(holder, Assert.Single(listed.Licenses).Holder.IdNumber);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_portal_cannot_be_registered_without_an_assertion_key_nor_another_role_with_one()
    {
        var admin = new AdminService.AdminServiceClient(_s.Hub.Channel(HubFactory.AdminApiKey));
        var portal = new RegisterCallerRequest { OrgCode = "11610100MB0000000J", OrgName = "门户", SystemName = "portal-without-key", Roles = { Role.Portal }, Clearance = DataLevel.L1Public };
        var verifier = new RegisterCallerRequest
        {
            OrgCode = "11610100MB0000000J", OrgName = "窗口", SystemName = "verifier-with-key", Roles = { Role.Verifier }, Clearance = DataLevel.L1Public,
            AssertionPublicKeyPem = Sm2KeyPair.Generate().PublicKey.Pem,
        };
        var notAKey = portal.Clone();
        notAKey.AssertionPublicKeyPem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----";

        foreach (var request in new[] { portal, verifier, notAKey })
        {
            var refused = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await admin.RegisterCallerAsync(request));
            Assert.Equal(["assertion_public_key_pem"], RpcAssert.ViolatedFields(refused));
        }

        var listed = await admin.ListCallersAsync(new ListCallersRequest { PageSize = 500 });
        Assert.Equal(_s.PortalAssertionKey.PublicKey.Pem.Trim(), listed.Callers.Single(c => c.CallerId == _s.PortalId.ToString()).AssertionPublicKeyPem.Trim());
    }

    private static LicenseService.LicenseServiceClient Licenses(Grpc.Net.Client.GrpcChannel channel) => new(channel);

    private static ListHolderLicensesRequest List(string holder) =>
        new() { Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holder }, Purpose = "市民查看本人证照" };
}
