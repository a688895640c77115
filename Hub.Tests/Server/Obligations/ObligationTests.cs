using Grpc.Core;
using Hub.Audit.V1;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Events.V1;
using Hub.Exemption.V1;
using Hub.Server.Infrastructure.Hosting;
using Hub.Tests.Server.Licenses;
using Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using EventTypes = Hub.Core.Events.EventTypes;

namespace Hub.Tests.Server.Obligations;

/// <summary>
/// 承诺办 / 容缺办 end to end: CheckMatter offers commitment or deficiency where a material allows it, the department
/// accepts, the license issued (or imported) later fulfils the obligation, one left past its deadline is OVERDUE, and
/// a recorded breach excludes the applicant next time — each change audited in the applicant's history and evented.
/// </summary>
public sealed class ObligationTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private const string Department = "91350100M000100Y43"; // the verifiers' organisation
    private const string OtherDepartment = "11610100MB2000000Y";
    private static readonly DateOnly Monday = new(2026, 11, 2);
    private readonly LicenseScenario _s = fixture.Scenario;
    private readonly MovableClock _clock = fixture.Clock;

    private ExemptionService.ExemptionServiceClient Window => new(_s.Hub.Channel(_s.VerifierKeys[DataLevel.L2Internal]));

    private ObligationService.ObligationServiceClient Desk => new(_s.Hub.Channel(_s.VerifierKeys[DataLevel.L2Internal]));

    [Fact]
    public async Task A_deficient_material_is_accepted_and_the_license_issued_two_days_later_fulfils_the_obligation()
    {
        _clock.SetChinaDate(Monday);
        var matter = await RegisterMatterAsync();
        var applicant = TestPeople.NewCitizenId();

        var before = await Window.CheckMatterAsync(Check(matter, applicant, "CASE-OB-1"));
        var cert = before.Materials.Single(m => m.MaterialCode == "cert");
        var pledge = before.Materials.Single(m => m.MaterialCode == "pledge");
        Assert.Equal(MaterialOutcome.AcceptedDeficient, cert.Outcome);
        Assert.Equal(RequiredReason.NoLicense, cert.ReasonCode);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 11, Day = 9 }, cert.Acceptance.Deadline); // 5 working days
        Assert.Equal(string.Empty, cert.Acceptance.ObligationId);
        Assert.Equal(MaterialOutcome.AcceptedOnCommitment, pledge.Outcome);
        Assert.Equal("本人承诺所填信息真实，并在期限内补交证明。", pledge.Acceptance.CommitmentText);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 11, Day = 5 }, pledge.Acceptance.Deadline); // 3 working days
        Assert.Contains("ACCEPTED:2", before.Receipt.EntryJson, StringComparison.Ordinal);

        var accept = Accept(matter, "cert", applicant, "CASE-OB-1", AcceptanceMode.DeficiencyTolerated);
        var accepted = await Desk.AcceptOnCommitmentAsync(accept);
        Assert.True(accepted.Created);
        Assert.Equal(ObligationStatus.Open, accepted.Obligation.Status);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 11, Day = 9 }, accepted.Obligation.Deadline);
        Assert.Equal(Department, accepted.Obligation.DepartmentCode);
        Assert.Equal(accepted, await Desk.AcceptOnCommitmentAsync(accept));                        // a retry: the first answer
        var again = await Desk.AcceptOnCommitmentAsync(Accept(matter, "cert", applicant, "CASE-OB-1", AcceptanceMode.DeficiencyTolerated));
        Assert.False(again.Created);                                                              // the case's one obligation
        Assert.Equal(accepted.Obligation.ObligationId, again.Obligation.ObligationId);

        var after = await Window.CheckMatterAsync(Check(matter, applicant, "CASE-OB-1"));
        Assert.Equal(accepted.Obligation.ObligationId, after.Materials.Single(m => m.MaterialCode == "cert").Acceptance.ObligationId);

        _clock.SetChinaDate(Monday.AddDays(2));
        var license = await _s.IssueAsync("OB-" + Guid.NewGuid().ToString("N")[..10], applicant);

        var fulfilled = (await Desk.GetObligationAsync(new GetObligationRequest { ObligationId = accepted.Obligation.ObligationId })).Obligation;
        Assert.Equal(ObligationStatus.Fulfilled, fulfilled.Status);
        Assert.Equal(license.Identifier, fulfilled.FulfilledByLicense);
        Assert.Equal(MaterialOutcome.Waived, (await Window.CheckMatterAsync(Check(matter, applicant, "CASE-OB-1"))).Materials.Single(m => m.MaterialCode == "cert").Outcome);

        // The department hears each change of its obligation; the applicant's history shows the acceptance.
        var events = await EventReader.ReadAsync(new EventService.EventServiceClient(_s.Hub.Channel(_s.VerifierKeys[DataLevel.L2Internal])),
            new SubscribeRequest { Filter = new EventFilter { EventTypes = { EventTypes.ObligationAccepted, EventTypes.ObligationFulfilled } } }, 20, TimeSpan.FromSeconds(3));
        Assert.Equal(
            [(EventTypes.ObligationAccepted, "OPEN"), (EventTypes.ObligationFulfilled, "FULFILLED")],
            events.Where(e => e.ObjectId == accepted.Obligation.ObligationId).Select(e => (e.Type, e.Data["status"])));
        var history = await new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)).GetHolderAccessHistoryAsync(
            new GetHolderAccessHistoryRequest { Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = applicant } });
        var entry = Assert.Single(history.Entries, e => e.Action == "obligations.AcceptOnCommitment");
        Assert.Equal("容缺受理", entry.Purpose);
        Assert.Equal("CASE-OB-1", entry.CaseNumber);
    }

    [Fact]
    public async Task An_imported_license_fulfils_the_obligation_as_an_issued_one_does()
    {
        _clock.SetChinaDate(Monday);
        var matter = await RegisterMatterAsync();
        var applicant = TestPeople.NewCitizenId();
        var accepted = await Desk.AcceptOnCommitmentAsync(Accept(matter, "pledge", applicant, "CASE-OB-IMP", AcceptanceMode.Commitment));

        var answers = await _s.ImportAsync(_s.IssuerKey, [ImportLicensesTests.Record(1, "OB-IMP-" + Guid.NewGuid().ToString("N")[..10], applicant)]);

        var obligation = (await Desk.GetObligationAsync(new GetObligationRequest { ObligationId = accepted.Obligation.ObligationId })).Obligation;
        Assert.Equal(ObligationStatus.Fulfilled, obligation.Status);
        Assert.Equal(answers.Single().Licenses.Single().Identifier, obligation.FulfilledByLicense);
    }

    [Fact]
    public async Task An_obligation_past_its_deadline_is_overdue_and_its_breach_excludes_the_applicant_next_time()
    {
        var notices = _s.Hub.Services.GetRequiredService<DateNoticeService>();
        _clock.SetChinaDate(Monday);
        await notices.RunOnceAsync(CancellationToken.None); // starts the watermarks today
        var matter = await RegisterMatterAsync();
        var applicant = TestPeople.NewCitizenId();
        var accepted = (await Desk.AcceptOnCommitmentAsync(Accept(matter, "cert", applicant, "CASE-OB-2", AcceptanceMode.DeficiencyTolerated))).Obligation;

        _clock.SetChinaDate(new DateOnly(2026, 11, 9)); // the deadline itself: still open
        Assert.Equal(ObligationStatus.Open, (await GetAsync(accepted.ObligationId)).Status);
        _clock.SetChinaDate(new DateOnly(2026, 11, 10));
        Assert.Equal(ObligationStatus.Overdue, (await GetAsync(accepted.ObligationId)).Status);
        Assert.Contains(accepted.ObligationId, (await Desk.ListObligationsAsync(new ListObligationsRequest { Status = ObligationStatus.Overdue, MatterCode = matter })).Obligations.Select(o => o.ObligationId));
        Assert.DoesNotContain(accepted.ObligationId, (await Desk.ListObligationsAsync(new ListObligationsRequest { Status = ObligationStatus.Open, MatterCode = matter })).Obligations.Select(o => o.ObligationId));
        await notices.RunOnceAsync(CancellationToken.None);
        await notices.RunOnceAsync(CancellationToken.None); // noticed once

        // Only the accepting department records the breach; another department does not even see the obligation.
        var other = new ObligationService.ObligationServiceClient(_s.Hub.Channel((await _s.Hub.RegisterCallerAsync(OtherDepartment, "window", DataLevel.L2Internal, Role.Verifier)).ApiKey));
        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await other.RecordBreachAsync(Breach(accepted.ObligationId)), "OBLIGATION_NOT_FOUND");
        var breached = (await Desk.RecordBreachAsync(Breach(accepted.ObligationId))).Obligation;
        Assert.Equal(ObligationStatus.Breached, breached.Status);
        Assert.Equal("逾期未补交证明材料", breached.BreachNote);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, async () => await Desk.RecordBreachAsync(Breach(accepted.ObligationId)), "OBLIGATION_CLOSED");

        // Next time: the material that excludes breaches is REQUIRED, the other still accepts a commitment.
        var next = await Window.CheckMatterAsync(Check(matter, applicant, "CASE-OB-3"));
        var cert = next.Materials.Single(m => m.MaterialCode == "cert");
        Assert.Equal(MaterialOutcome.Required, cert.Outcome);
        Assert.True(cert.ExcludedByBreach);
        Assert.Equal(MaterialOutcome.AcceptedOnCommitment, next.Materials.Single(m => m.MaterialCode == "pledge").Outcome);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            async () => await Desk.AcceptOnCommitmentAsync(Accept(matter, "cert", applicant, "CASE-OB-3", AcceptanceMode.DeficiencyTolerated)), "APPLICANT_IN_BREACH");

        // The supervision platform sees every department's obligations and each change as an event.
        var supervisorKey = (await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", DataLevel.L2Internal, Role.Supervisor, Role.Subscriber)).ApiKey;
        var listed = await new ObligationService.ObligationServiceClient(_s.Hub.Channel(supervisorKey)).ListObligationsAsync(new ListObligationsRequest { Status = ObligationStatus.Breached, MatterCode = matter });
        Assert.Equal(accepted.ObligationId, Assert.Single(listed.Obligations).ObligationId);
        var events = await EventReader.ReadAsync(new EventService.EventServiceClient(_s.Hub.Channel(supervisorKey)),
            new SubscribeRequest { Filter = new EventFilter { EventTypes = { EventTypes.ObligationAccepted, EventTypes.ObligationOverdue, EventTypes.ObligationBreached } } }, 50, TimeSpan.FromSeconds(3));
        Assert.Equal(
            [EventTypes.ObligationAccepted, EventTypes.ObligationOverdue, EventTypes.ObligationBreached],
            events.Where(e => e.ObjectId == accepted.ObligationId).Select(e => e.Type));

        // A license issued after the deadline fulfils nothing: the breach stands.
        await _s.IssueAsync("OB-LATE-" + Guid.NewGuid().ToString("N")[..8], applicant);
        Assert.Equal(ObligationStatus.Breached, (await GetAsync(accepted.ObligationId)).Status);
    }

    [Fact]
    public async Task Acceptance_is_refused_precisely_where_the_material_or_the_applicant_does_not_allow_it()
    {
        _clock.SetChinaDate(Monday);
        var matter = await RegisterMatterAsync();
        var applicant = TestPeople.NewCitizenId();

        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            async () => await Desk.AcceptOnCommitmentAsync(Accept(matter, "cert", applicant, "CASE-R", AcceptanceMode.Commitment)), "ACCEPTANCE_NOT_ALLOWED");
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            async () => await Desk.AcceptOnCommitmentAsync(Accept(matter, "plain", applicant, "CASE-R", AcceptanceMode.DeficiencyTolerated)), "ACCEPTANCE_NOT_ALLOWED");
        await RpcAssert.FailsAsync(StatusCode.NotFound,
            async () => await Desk.AcceptOnCommitmentAsync(Accept(matter, "no-such", applicant, "CASE-R", AcceptanceMode.Commitment)), "MATERIAL_NOT_FOUND");
        await RpcAssert.FailsAsync(StatusCode.NotFound,
            async () => await Desk.AcceptOnCommitmentAsync(Accept("NO-SUCH-MATTER", "cert", applicant, "CASE-R", AcceptanceMode.Commitment)), "MATTER_NOT_FOUND");
        var invalid = Accept(matter, "cert", applicant, "", AcceptanceMode.Unspecified);
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Desk.AcceptOnCommitmentAsync(invalid));
        Assert.Equal(["case_number", "mode"], RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            async () => await new ObligationService.ObligationServiceClient(_s.Hub.Channel(_s.IssuerKey)).AcceptOnCommitmentAsync(Accept(matter, "cert", applicant, "CASE-R", AcceptanceMode.DeficiencyTolerated)), "ROLE_REQUIRED");
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await Desk.GetObligationAsync(new GetObligationRequest { ObligationId = "not-a-uuid" }));

        var holder = TestPeople.NewCitizenId();
        await _s.IssueAsync("OB-HELD-" + Guid.NewGuid().ToString("N")[..8], holder);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            async () => await Desk.AcceptOnCommitmentAsync(Accept(matter, "cert", holder, "CASE-R", AcceptanceMode.DeficiencyTolerated)), "LICENSE_HELD");
    }

    [Fact]
    public async Task Matter_registration_refuses_terms_without_a_deadline_a_commitment_text_or_what_a_breach_costs()
    {
        var request = MatterRequest("610100-OB-BAD-" + Guid.NewGuid().ToString("N")[..8]);
        request.Materials[0].Deficiency.DeadlineWorkingDays = 0;
        request.Materials[1].Commitment.CommitmentText = "";
        request.Materials[1].Commitment.OnBreach = "";
        request.Materials[2].ExcludeBreachedApplicants = true;

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(request));

        Assert.Equal(
            ["materials[0].deficiency.deadline_working_days", "materials[1].commitment.commitment_text", "materials[1].commitment.on_breach", "materials[2].exclude_breached_applicants"],
            RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
    }

    private async Task<Obligation> GetAsync(string obligationId) =>
        (await Desk.GetObligationAsync(new GetObligationRequest { ObligationId = obligationId })).Obligation;

    private async Task<string> RegisterMatterAsync()
    {
        var request = MatterRequest("610100-OB-" + Guid.NewGuid().ToString("N")[..10]);
        var registered = await _s.Catalogue(_s.CatalogueKey).RegisterMatterAsync(request);
        Assert.Equal(5, registered.Matter.Materials[0].Deficiency.DeadlineWorkingDays);
        return request.MatterCode;
    }

    private static RegisterMatterRequest MatterRequest(string code) => new()
    {
        MatterCode = code,
        Name = "从业资格申请（测试）",
        DepartmentCode = Department,
        Materials =
        {
            new Material
            {
                MaterialCode = "cert", Name = "资格证书", AcceptedTypeCodes = { LicenseScenario.TypeCode }, NeededFields = { "category" },
                Deficiency = new AcceptanceTerms { DeadlineWorkingDays = 5, OnBreach = "撤销受理，记入信用记录" },
                ExcludeBreachedApplicants = true,
            },
            new Material
            {
                MaterialCode = "pledge", Name = "资格承诺", AcceptedTypeCodes = { LicenseScenario.TypeCode },
                Commitment = new AcceptanceTerms { DeadlineWorkingDays = 3, CommitmentText = "本人承诺所填信息真实，并在期限内补交证明。", OnBreach = "撤销审批决定" },
            },
            new Material { MaterialCode = "plain", Name = "其他证书", AcceptedTypeCodes = { LicenseScenario.TypeCode } },
        },
    };

    private static CheckMatterRequest Check(string matter, string applicant, string caseNumber) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        MatterCode = matter,
        Applicant = new Holder { IdType = HolderIdType.CitizenId, IdNumber = applicant },
        CaseNumber = caseNumber,
        Purpose = "从业资格审核",
    };

    private static AcceptOnCommitmentRequest Accept(string matter, string material, string applicant, string caseNumber, AcceptanceMode mode) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        MatterCode = matter,
        MaterialCode = material,
        Applicant = new Holder { IdType = HolderIdType.CitizenId, IdNumber = applicant },
        CaseNumber = caseNumber,
        Mode = mode,
    };

    private static RecordBreachRequest Breach(string obligationId) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ObligationId = obligationId,
        Note = "逾期未补交证明材料",
    };
}
