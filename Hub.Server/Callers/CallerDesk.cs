using Hub.Admin.V1;
using Hub.Core.Access;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Caller = Hub.Core.Callers.Caller;

namespace Hub.Server.Callers;

/// <summary>Caller administration (ADMIN): register a caller with a new API key, list callers, disable one.</summary>
public sealed class CallerDesk(ICallerStore store, CallerAuthenticator authenticator, IAccessLog accessLog, ILogger<CallerDesk> logger)
{
    public async Task<Outcome<RegisterCallerResponse>> RegisterAsync(Caller admin, NewCaller caller, CancellationToken cancellationToken)
    {
        var apiKey = ApiKeys.Generate();
        var registered = await store.RegisterAsync(caller, ApiKeys.Hash(apiKey), admin.Id, cancellationToken);
        if (registered.Failed)
        {
            return registered.Error;
        }

        var record = registered.Value;
        await authenticator.CallerChangedAsync(cancellationToken);
        logger.CallerRegistered(record.Caller.Id, admin.Id);
        return new RegisterCallerResponse { CallerId = record.Caller.Id.ToString(), ApiKey = apiKey, Caller = record.ToMessage() };
    }

    public async Task<Outcome<ListCallersResponse>> ListAsync(Caller admin, ListCallersCommand command, CancellationToken cancellationToken)
    {
        var (callers, next) = await store.ListAsync(command.Page, command.IncludeDisabled, cancellationToken);
        await accessLog.AppendAsync(new AccessRecord { CallerId = admin.Id, Action = AuditActions.AdminListCallers, ObjectType = AuditObjects.Caller, Outcome = AuditOutcomes.Ok }, cancellationToken);
        return new ListCallersResponse
        {
            Callers = { callers.Select(c => c.ToMessage()) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    public async Task<Outcome<RotateCallerKeyResponse>> RotateKeyAsync(Caller admin, RotateCallerKeyCommand command, CancellationToken cancellationToken)
    {
        var apiKey = ApiKeys.Generate();
        var rotated = await store.ReplaceApiKeyAsync(command.CallerId, ApiKeys.Hash(apiKey), command.Reason, admin.Id, cancellationToken);
        if (rotated.Failed)
        {
            return rotated.Error;
        }

        // Every replica forgets the old key's memo now, so it is refused from the next call on.
        await authenticator.CallerChangedAsync(cancellationToken);
        logger.CallerKeyRotated(command.CallerId, admin.Id);
        return new RotateCallerKeyResponse { ApiKey = apiKey, Caller = rotated.Value.ToMessage() };
    }

    public async Task<Outcome<DisableCallerResponse>> DisableAsync(Caller admin, DisableCallerCommand command, CancellationToken cancellationToken)
    {
        var disabled = await store.DisableAsync(command.CallerId, command.Reason, admin.Id, cancellationToken);
        if (disabled.Failed)
        {
            return disabled.Error;
        }

        await authenticator.CallerChangedAsync(cancellationToken);
        logger.CallerDisabled(command.CallerId, admin.Id);
        return new DisableCallerResponse { Caller = disabled.Value.ToMessage() };
    }
}

/// <summary>RotateCallerKey: whose key, and why.</summary>
public sealed record RotateCallerKeyCommand(Guid CallerId, string Reason)
{
    public static Outcome<RotateCallerKeyCommand> Parse(RotateCallerKeyRequest request)
    {
        var violations = new Violations();
        var (callerId, reason) = DisableCallerCommand.Read(violations, request.CallerId, request.Reason);
        return violations.ToError() is { } invalid ? invalid : new RotateCallerKeyCommand(callerId, reason);
    }
}

/// <summary>ListCallers: a page, with or without disabled callers.</summary>
public sealed record ListCallersCommand(PageRequest Page, bool IncludeDisabled)
{
    public static Outcome<ListCallersCommand> Parse(ListCallersRequest request)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        return violations.ToError() is { } invalid ? invalid : new ListCallersCommand(page, request.IncludeDisabled);
    }
}

/// <summary>DisableCaller: which caller, and why.</summary>
public sealed record DisableCallerCommand(Guid CallerId, string Reason)
{
    public static Outcome<DisableCallerCommand> Parse(DisableCallerRequest request)
    {
        var violations = new Violations();
        var (callerId, reason) = Read(violations, request.CallerId, request.Reason);
        return violations.ToError() is { } invalid ? invalid : new DisableCallerCommand(callerId, reason);
    }

    /// <summary>A caller_id and a reason, as every change to one caller takes them.</summary>
    internal static (Guid CallerId, string Reason) Read(Violations violations, string callerId, string reason)
    {
        if (!Guid.TryParse(callerId, out var id))
        {
            violations.Add("caller_id", "must be a caller_id returned by RegisterCaller or ListCallers");
        }

        return (id, violations.Text("reason", reason, InputLimits.ReasonLength));
    }
}
