using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Exemption.V1;

namespace Hub.Server.Obligations;

/// <summary>Adapts ObligationService (exemption.proto, gRPC and REST) to <see cref="ObligationDesk"/>: parse, run, map.</summary>
public sealed class ObligationGrpcService(ObligationDesk desk, HolderInputParser holders, TimeProvider time) : ObligationService.ObligationServiceBase
{
    [RequiresRole(Role.Verifier)]
    public override Task<AcceptOnCommitmentResponse> AcceptOnCommitment(AcceptOnCommitmentRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            AcceptOnCommitmentCommand.Parse(request, holders, ChinaCalendar.Today(time)),
            command => desk.AcceptAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Verifier)]
    public override Task<RecordBreachResponse> RecordBreach(RecordBreachRequest request, ServerCallContext context) =>
        Rpc.RunAsync(RecordBreachCommand.Parse(request), command => desk.BreachAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Verifier, Role.Supervisor, Role.Auditor)]
    public override Task<GetObligationResponse> GetObligation(GetObligationRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ObligationIdInput.Parse(request.ObligationId), id => desk.GetAsync(context.GetCaller(), id, context.CancellationToken));

    [RequiresRole(Role.Verifier, Role.Supervisor, Role.Auditor)]
    public override Task<ListObligationsResponse> ListObligations(ListObligationsRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            ListObligationsCommand.Parse(request, holders, ChinaCalendar.Today(time)),
            command => desk.ListAsync(context.GetCaller(), command, context.CancellationToken));
}
