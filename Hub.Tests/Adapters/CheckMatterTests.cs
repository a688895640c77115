using Dapper;
using Grpc.Core;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Exemption.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Adapters;

/// <summary>免证办 end to end: every outcome of CheckMatter and CheckLicense on real licenses.</summary>
public sealed class CheckMatterTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private const string MatterCode = "610100-TEST-0001";
    private readonly LicenseScenario _s = fixture.Scenario;

    private ExemptionService.ExemptionServiceClient Window => new(_s.Hub.Channel(_s.VerifierKeys[DataLevel.L2Internal]));

    [Fact]
    public async Task CheckMatter_ValidLicense_IsWaivedWithOnlyTheNeededFieldsAsThePolicyAllows()
    {
        var holder = TestPeople.NewCitizenId();
        var license = await _s.IssueAsync(Number(), idNumber: holder);

        var answer = await Window.CheckMatterAsync(Request(holder));

        var material = Assert.Single(answer.Materials);
        Assert.Equal(MaterialOutcome.Waived, material.Outcome);
        Assert.Equal(license.Identifier, material.LicenseIdentifier);
        Assert.Equal("A类", material.Facts["category"]);                     // L1: plain
        Assert.Equal("陕西省西安市********", material.Facts["address"]);       // L3 for an L2 caller: masked
        Assert.False(material.Facts.ContainsKey("health_note"));              // L4: withheld
        Assert.False(material.Facts.ContainsKey("phone"));                    // not needed by the material: never sent
        Assert.Equal("l4-needs-l4-clearance", material.Disclosure.Single(d => d.Field == "health_note").Rule);
        Assert.NotEmpty(answer.Receipt.EntryJson);
        Assert.Contains("\"case_number\":\"CASE-1\"", answer.Receipt.EntryJson, StringComparison.Ordinal);
        Assert.Contains("\"matter_code\":\"" + MatterCode + "\"", answer.Receipt.EntryJson, StringComparison.Ordinal);
    }

    public static TheoryData<LicenseStatus, RequiredReason> NotValid => new()
    {
        { LicenseStatus.Suspended, RequiredReason.Suspended },
        { LicenseStatus.Revoked, RequiredReason.Revoked },
        { LicenseStatus.Cancelled, RequiredReason.Cancelled },
    };

    [Theory]
    [MemberData(nameof(NotValid))]
    public async Task CheckMatter_LicenseNotValid_IsRequiredWithThePreciseReason(LicenseStatus status, RequiredReason reason)
    {
        var holder = TestPeople.NewCitizenId();
        var license = await _s.IssueAsync(Number(), idNumber: holder);
        await _s.ChangeStatusAsync(license.Identifier, status);

        var material = Assert.Single((await Window.CheckMatterAsync(Request(holder))).Materials);

        Assert.Equal(MaterialOutcome.Required, material.Outcome);
        Assert.Equal(reason, material.ReasonCode);
        Assert.Empty(material.Facts);
        Assert.Equal(string.Empty, material.LicenseIdentifier);
    }

    [Fact]
    public async Task CheckMatter_NoLicense_Expired_NotYetValid_AreRequired()
    {
        var none = TestPeople.NewCitizenId();
        var expired = TestPeople.NewCitizenId();
        await _s.IssueAsync(Number(), idNumber: expired, validUntil: new Google.Type.Date { Year = 2025, Month = 1, Day = 1 });

        Assert.Equal(RequiredReason.NoLicense, (await Window.CheckMatterAsync(Request(none))).Materials[0].ReasonCode);
        Assert.Equal(RequiredReason.Expired, (await Window.CheckMatterAsync(Request(expired))).Materials[0].ReasonCode);
        var early = Request(expired);
        early.CheckDate = new Google.Type.Date { Year = 2023, Month = 6, Day = 1 }; // before valid_from 2024-01-01
        Assert.Equal(RequiredReason.NotYetValid, (await Window.CheckMatterAsync(early)).Materials[0].ReasonCode);
        var inRange = Request(expired);
        inRange.CheckDate = new Google.Type.Date { Year = 2024, Month = 6, Day = 1 };
        Assert.Equal(MaterialOutcome.Waived, (await Window.CheckMatterAsync(inRange)).Materials[0].Outcome);
    }

    [Fact]
    public async Task CheckMatter_SeveralLicenses_TheValidOneWithTheLatestVersionWins()
    {
        var holder = TestPeople.NewCitizenId();
        var older = await _s.IssueAsync(Number(), idNumber: holder);
        var other = await _s.IssueAsync(Number(), idNumber: holder);
        var face = LicenseScenario.IssueRequest("x").Face;
        var amended = (await _s.Licenses(_s.IssuerKey).AmendLicenseAsync(new AmendLicenseRequest
        {
            RequestId = Guid.NewGuid().ToString(), Identifier = older.Identifier, Face = { face }, Reason = "换证",
        })).License;
        await _s.ChangeStatusAsync(other.Identifier, LicenseStatus.Suspended);

        var material = Assert.Single((await Window.CheckMatterAsync(Request(holder))).Materials);

        Assert.Equal(amended.Identifier, material.LicenseIdentifier);
    }

    [Fact]
    public async Task CheckMatter_RetriedRequestId_ReturnsTheFirstAnswerAndWritesNothingNew()
    {
        var holder = TestPeople.NewCitizenId();
        await _s.IssueAsync(Number(), idNumber: holder);
        var request = Request(holder);
        var first = await Window.CheckMatterAsync(request);
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        var size = await connection.ExecuteScalarAsync<long>("SELECT size FROM log_head");

        var retry = await Window.CheckMatterAsync(request);

        Assert.Equal(first, retry);
        Assert.Equal(size, await connection.ExecuteScalarAsync<long>("SELECT size FROM log_head"));
    }

    [Fact]
    public async Task CheckMatter_MissingPurposeOrCase_IsInvalid_WrongRoleIsDenied_UnknownMatterIsNotFound()
    {
        var request = Request(TestPeople.NewCitizenId());
        request.Purpose = "";
        request.CaseNumber = "";
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Window.CheckMatterAsync(request));
        Assert.Equal(["case_number", "purpose"], RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));

        var asIssuer = new ExemptionService.ExemptionServiceClient(_s.Hub.Channel(_s.IssuerKey));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await asIssuer.CheckMatterAsync(Request(TestPeople.NewCitizenId())), "ROLE_REQUIRED");

        var unknown = Request(TestPeople.NewCitizenId());
        unknown.MatterCode = "NO-SUCH-MATTER";
        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await Window.CheckMatterAsync(unknown), "MATTER_NOT_FOUND");
    }

    [Fact]
    public async Task CheckLicense_AnswersYesOrNo_WithoutFaceData()
    {
        var holder = TestPeople.NewCitizenId();
        await _s.IssueAsync(Number(), idNumber: holder);

        var answer = await Window.CheckLicenseAsync(new CheckLicenseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holder },
            TypeCode = LicenseScenario.TypeCode,
            CaseNumber = "CASE-2",
            Purpose = "资格核验",
            Assertions =
            {
                new Assertion { Op = AssertionOp.Exists },
                new Assertion { Field = "category", Op = AssertionOp.Equals, Value = "A类" },
                new Assertion { Field = "category", Op = AssertionOp.Equals, Value = "B类" },
                new Assertion { Op = AssertionOp.ValidOn, Value = "2030-01-01" },
                new Assertion { Op = AssertionOp.ValidOn, Value = "2023-01-01" },
            },
        });

        Assert.Equal([true, true, false, true, false], answer.Results.Select(r => r.Satisfied));
        Assert.False(answer.Satisfied);
        Assert.DoesNotContain("A类", answer.ToString(), StringComparison.Ordinal); // the answer never carries face values
    }

    [Fact]
    public async Task CheckLicense_AboutAFieldTheCallerMayNotSee_IsRefused()
    {
        var holder = TestPeople.NewCitizenId();
        await _s.IssueAsync(Number(), idNumber: holder);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () => await Window.CheckLicenseAsync(new CheckLicenseRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holder },
            TypeCode = LicenseScenario.TypeCode,
            CaseNumber = "CASE-3",
            Purpose = "试探",
            Assertions = { new Assertion { Field = "health_note", Op = AssertionOp.Equals, Value = "无" } },
        }), "FIELD_NOT_DISCLOSABLE");
    }

    [Theory]
    [InlineData(150_000, "")]
    [InlineData(0, "cat\0egory")]
    public async Task CheckLicense_AFieldNameTooLongOrWithNul_IsInvalid_WhateverTheHolderHolds_AndNothingIsLogged(int length, string field)
    {
        var holder = TestPeople.NewCitizenId();
        var stranger = TestPeople.NewCitizenId();
        await _s.IssueAsync(Number(), idNumber: holder);
        var name = length > 0 ? new string('f', length) : field;
        var before = await LogRowsAsync();

        foreach (var who in (string[])[holder, stranger])
        {
            var refused = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () =>
                await Window.CheckLicenseAsync(Question(who, new Assertion { Field = name, Op = AssertionOp.Exists })));
            Assert.Equal(["assertions[0].field"], RpcAssert.ViolatedFields(refused));
        }

        Assert.Equal(before, await LogRowsAsync());
    }

    [Fact]
    public async Task CheckLicense_RefusesTheSameWayWhetherOrNotTheHolderHoldsTheType_AndLogsTheRefusal()
    {
        var holder = TestPeople.NewCitizenId();
        var stranger = TestPeople.NewCitizenId();
        await _s.IssueAsync(Number(), idNumber: holder);
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        const string refusals = "SELECT count(*) FROM access_log WHERE outcome = 'REFUSED:FIELD_NOT_DISCLOSABLE' AND holder_index IS NOT NULL";
        var before = await connection.ExecuteScalarAsync<long>(refusals);

        var answers = new List<string>();
        foreach (var who in (string[])[holder, stranger])
        {
            var notAField = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () =>
                await Window.CheckLicenseAsync(Question(who, new Assertion { Field = "no_such_field", Op = AssertionOp.Exists })));
            var hidden = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () =>
                await Window.CheckLicenseAsync(Question(who, new Assertion { Field = "health_note", Op = AssertionOp.Exists })), "FIELD_NOT_DISCLOSABLE");
            answers.Add(notAField.Status.Detail + "|" + hidden.Status.Detail);
        }

        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(before + 2, await connection.ExecuteScalarAsync<long>(refusals));
    }

    [Fact]
    public async Task CheckLicense_AsksOnlyAboutFieldsTheCallerSeesInPlain_SoAMaskedValueCannotBeGuessed()
    {
        var holder = TestPeople.NewCitizenId();
        await _s.IssueAsync(Number(), idNumber: holder);

        // address is L3: an L2 window sees it only masked (陕西省西安市********), so it may not guess the rest.
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () =>
            await Window.CheckLicenseAsync(Question(holder, new Assertion { Field = "address", Op = AssertionOp.Equals, Value = "陕西省西安市雁塔区科技路1号" })), "FIELD_NOT_DISCLOSABLE");
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, async () =>
            await Window.CheckLicenseAsync(Question(holder, new Assertion { Field = "address", Op = AssertionOp.Exists })), "FIELD_NOT_DISCLOSABLE");
        var plain = await Window.CheckLicenseAsync(Question(holder, new Assertion { Field = "employer", Op = AssertionOp.Equals, Value = "西安某某科技有限公司" }));

        Assert.True(plain.Satisfied); // employer is L2: within the window's clearance
    }

    private static CheckLicenseRequest Question(string holderId, Assertion assertion) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holderId },
        TypeCode = LicenseScenario.TypeCode,
        CaseNumber = "CASE-Q",
        Purpose = "资格核验",
        Assertions = { assertion },
    };

    private async Task<long> LogRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        return await connection.ExecuteScalarAsync<long>("SELECT (SELECT count(*) FROM access_log) + (SELECT count(*) FROM access_log_queue)");
    }

    private CheckMatterRequest Request(string holderId)
    {
        EnsureMatter();
        return new CheckMatterRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            MatterCode = MatterCode,
            Applicant = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holderId },
            CaseNumber = "CASE-1",
            Purpose = "从业资格审核",
        };
    }

    private void EnsureMatter() =>
        _s.Catalogue(_s.CatalogueKey).RegisterMatter(new RegisterMatterRequest
        {
            MatterCode = MatterCode,
            Name = "测试事项",
            DepartmentCode = LicenseScenario.IssuerOrg,
            Materials =
            {
                new Material
                {
                    MaterialCode = "ZGZ",
                    Name = "资格证书",
                    AcceptedTypeCodes = { LicenseScenario.TypeCode },
                    NeededFields = { "category", "address", "health_note" },
                },
            },
        });

    private static string Number() => "EX-" + Guid.NewGuid().ToString("N")[..12];
}
