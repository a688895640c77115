using Google.Protobuf;
using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Errors;
using Hub.Core.Ports;
using Hub.Core.Validation;
using Hub.Exchange.V1;
using Hub.Server.Catalogue;
using Hub.Server.Exchange;

namespace Hub.Tests.Support.Fakes;

/// <summary>The access log in memory: every record appended, in order, with dense indices.</summary>
public sealed class FakeAccessLog : IAccessLog
{
    public List<AccessRecord> Records { get; } = [];

    public Task<AccessLogEntry> AppendAsync(AccessRecord record, CancellationToken cancellationToken)
    {
        Records.Add(record);
        return Task.FromResult(new AccessLogEntry(Records.Count - 1, DateTimeOffset.UnixEpoch, record, "{}", new byte[32]));
    }
}

/// <summary>A write transaction in memory: the audit entries it would commit.</summary>
public sealed class FakeWriteTransaction : IWriteTransaction
{
    public List<AccessRecord> Audited { get; } = [];

    public List<Hub.Core.Events.ChangeEvent> Events { get; } = [];

    public Task AuditAsync(AccessRecord record, IReadOnlyList<Hub.Core.Events.ChangeEvent> events, CancellationToken cancellationToken)
    {
        Audited.Add(record);
        Events.AddRange(events);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Runs each request once per (caller, request_id) in memory: a retry gets the first response; a failed outcome is not
/// remembered; a committed transaction's audit entries land in <see cref="Committed"/>.
/// </summary>
public sealed class FakeIdempotentRunner : IIdempotentRunner
{
    private readonly Dictionary<(Guid, string), IMessage> _responses = [];

    public List<AccessRecord> Committed { get; } = [];

    public async Task<Outcome<TResponse>> RunOnceAsync<TResponse>(
        Guid callerId, string requestId, string operation, IMessage request, Func<CancellationToken, Task<Outcome<TResponse>>> work, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        if (_responses.TryGetValue((callerId, requestId), out var first))
        {
            return (TResponse)first;
        }

        var outcome = await work(cancellationToken);
        if (!outcome.Failed)
        {
            _responses[(callerId, requestId)] = outcome.Value;
        }

        return outcome;
    }

    public async Task<Outcome<TResponse>> RunInTransactionAsync<TResponse>(
        Guid callerId, string requestId, string operation, IMessage request, Func<IWriteTransaction, Task<Outcome<TResponse>>> work, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        var transaction = new FakeWriteTransaction();
        var outcome = await RunOnceAsync(callerId, requestId, operation, request, _ => work(transaction), cancellationToken);
        if (!outcome.Failed)
        {
            Committed.AddRange(transaction.Audited);
        }

        return outcome;
    }
}

/// <summary>Matters and applicants' licenses for the 免证办 rules.</summary>
public sealed class FakeLicenseRepository : IMatterCatalogue, IHolderLicenseSource, ILicenseTypeRules, IApplicantStanding
{
    public Dictionary<string, MatterDefinition> Matters { get; } = [];

    /// <summary>Applicants (by holder index, as text) with a recorded breach.</summary>
    public HashSet<string> Breached { get; } = [];

    public Task<ApplicantStanding> FindAsync(byte[] holderIndex, string departmentOrg, string caseNumber, string matterCode, CancellationToken cancellationToken) =>
        Task.FromResult(new ApplicantStanding(Breached.Contains(System.Text.Encoding.UTF8.GetString(holderIndex)), []));

    /// <summary>Registered types; a type some license in <see cref="Licenses"/> has is registered with that license's fields.</summary>
    public Dictionary<string, (IReadOnlyList<FieldSpec> Fields, SharingType Sharing)> Types { get; } = [];

    public List<HolderLicense> Licenses { get; } = [];

    public Task<MatterDefinition?> FindAsync(string matterCode, CancellationToken cancellationToken) =>
        Task.FromResult(Matters.GetValueOrDefault(matterCode));

    public byte[] HolderIndex(HolderIdType type, string normalizedNumber) => System.Text.Encoding.UTF8.GetBytes($"{type}:{normalizedNumber}");

    public Task<IReadOnlyList<HolderLicense>> FindAsync(byte[] holderIndex, IReadOnlyCollection<string> typeCodes, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HolderLicense>>([.. Licenses.Where(l => l.HolderIndex.AsSpan().SequenceEqual(holderIndex) && typeCodes.Contains(l.TypeCode))]);

    public Task<HolderLicense?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken) =>
        Task.FromResult(Licenses.FirstOrDefault(l => l.Identifier == identifier));

    Task<(IReadOnlyList<FieldSpec> Fields, SharingType Sharing)?> ILicenseTypeRules.FindAsync(string typeCode, CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<FieldSpec> Fields, SharingType Sharing)?>(
            Types.TryGetValue(typeCode, out var type) ? type
            : Licenses.FirstOrDefault(l => l.TypeCode == typeCode) is { } held ? (held.Fields, held.Sharing)
            : null);
}

/// <summary>Grants, data resources and matters in memory for the grant desk's rules.</summary>
public sealed class FakeExchangeStores : IGrantStore, IDataResourceStore, IMatterStore
{
    public Dictionary<Guid, StoredGrant> Grants { get; } = [];

    public Dictionary<string, DataResourceDefinition> Resources { get; } = [];

    public HashSet<string> MatterCodes { get; } = [];

    public Task InsertAsync(IWriteTransaction transaction, StoredGrant grant, Guid? decidedBy, CancellationToken cancellationToken)
    {
        Grants[grant.GrantId] = grant;
        return Task.CompletedTask;
    }

    public Task<StoredGrant?> LockAsync(IWriteTransaction transaction, Guid grantId, CancellationToken cancellationToken) =>
        Task.FromResult(Grants.GetValueOrDefault(grantId));

    public Task DecideAsync(IWriteTransaction transaction, Guid grantId, GrantStatus status, DateTimeOffset at, Guid by, string reason, DateOnly? expiresOn, CancellationToken cancellationToken)
    {
        Grants[grantId] = Grants[grantId] with { StoredStatus = status, DecidedAt = at, DecisionReason = reason, ExpiresOn = expiresOn };
        return Task.CompletedTask;
    }

    public Task RevokeAsync(IWriteTransaction transaction, Guid grantId, DateTimeOffset at, Guid by, string reason, CancellationToken cancellationToken)
    {
        Grants[grantId] = Grants[grantId] with { StoredStatus = GrantStatus.Revoked, RevokedAt = at, RevokeReason = reason };
        return Task.CompletedTask;
    }

    public Task<Guid?> FindWaitingAsync(IWriteTransaction transaction, Guid consumerId, string resourceCode, CancellationToken cancellationToken) =>
        Task.FromResult(Grants.Values.Where(g => g.ConsumerId == consumerId && g.ResourceCode == resourceCode && g.StoredStatus == GrantStatus.Pending).Select(g => (Guid?)g.GrantId).FirstOrDefault());

    public Task<StoredGrant?> FindAsync(Guid grantId, CancellationToken cancellationToken) => Task.FromResult(Grants.GetValueOrDefault(grantId));

    // Date notices are PostgreSQL work (a watermark under a row lock); the unit tests of grant rules never run them.
    public Task<int> NoticeDeadlinesAsync(
        DateOnly today, bool expiries, Func<StoredGrant, (AccessRecord Entry, IReadOnlyList<Hub.Core.Events.ChangeEvent> Events)> describe, CancellationToken cancellationToken) =>
        throw new NotSupportedException("date notices run against PostgreSQL (ExchangeEventTests)");

    public Task<StoredGrant?> FindInForceAsync(Guid consumerId, string resourceCode, DateOnly today, CancellationToken cancellationToken) =>
        Task.FromResult(Grants.Values.FirstOrDefault(g => g.ConsumerId == consumerId && g.ResourceCode == resourceCode && g.StatusOn(today) == GrantStatus.Approved));

    public Task<StoredGrant?> FindLatestAsync(Guid consumerId, string resourceCode, CancellationToken cancellationToken) =>
        Task.FromResult(Grants.Values.Where(g => g.ConsumerId == consumerId && g.ResourceCode == resourceCode).OrderByDescending(g => g.GrantId).FirstOrDefault());

    public Task<(IReadOnlyList<StoredGrant> Grants, string? NextCursor)> ListAsync(GrantFilter filter, DateOnly today, int pageSize, string? cursor, CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<StoredGrant>, string?)>(([.. Grants.Values], null));

    public Task<Outcome<(DataResourceDefinition Resource, bool Created)>> RegisterAsync(Hub.Catalogue.V1.RegisterDataResourceRequest normalized, Guid callerId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    Task<DataResourceDefinition?> IDataResourceStore.FindAsync(string resourceCode, CancellationToken cancellationToken) =>
        Task.FromResult(Resources.GetValueOrDefault(resourceCode));

    public Task<(IReadOnlyList<DataResourceDefinition> Resources, string? NextCursor)> ListAsync(PageRequest page, ResourceFilter filter, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<Outcome<(Hub.Catalogue.V1.Matter Matter, bool Created)>> RegisterAsync(Hub.Catalogue.V1.RegisterMatterRequest normalized, Guid callerId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<Hub.Catalogue.V1.Matter?> GetAsync(string matterCode, CancellationToken cancellationToken) =>
        Task.FromResult(MatterCodes.Contains(matterCode) ? new Hub.Catalogue.V1.Matter { MatterCode = matterCode } : null);

    public Task<(IReadOnlyList<Hub.Catalogue.V1.Matter> Matters, string? NextCursor)> ListAsync(PageRequest page, string? departmentCode, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    Task<MatterDefinition?> IMatterCatalogue.FindAsync(string matterCode, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>Licenses and their types in memory, shown through the real <see cref="Hub.Server.Licenses.LicenseView"/>.</summary>
public sealed class FakeLicenseDirectory : Hub.Server.Licenses.ILicenseDirectory, ILicenseTypeStore
{
    public Dictionary<string, Hub.Server.Licenses.StoredLicense> Licenses { get; } = [];

    public Dictionary<string, LicenseTypeDefinition> Types { get; } = [];

    public Task<Hub.Server.Licenses.StoredLicense?> FindAsync(string identifier, CancellationToken cancellationToken) =>
        Task.FromResult(Licenses.GetValueOrDefault(identifier));

    public (Hub.Licenses.V1.License License, Hub.Core.Disclosure.DisclosedRecord Disclosed) View(
        Hub.Server.Licenses.StoredLicense stored, LicenseTypeDefinition type, Hub.Core.Disclosure.DisclosureContext context, DateOnly today) =>
        Hub.Server.Licenses.LicenseView.Build(stored, type, context, today);

    public Task ChangedAsync(Guid licenseId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Outcome<(LicenseTypeDefinition Type, bool Created)>> RegisterAsync(Hub.Catalogue.V1.RegisterLicenseTypeRequest normalized, Guid callerId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    Task<LicenseTypeDefinition?> ILicenseTypeStore.FindAsync(string typeCode, CancellationToken cancellationToken) => Task.FromResult(Types.GetValueOrDefault(typeCode));

    public Task<(IReadOnlyList<LicenseTypeDefinition> Types, string? NextCursor)> ListAsync(PageRequest page, string? issuerOrgCode, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>One SM2 seal key in memory, which a test may revoke.</summary>
public sealed class FakeSigningKeyRing : Hub.Server.Keys.ISigningKeyRing
{
    public Hub.Signing.Sm2.Sm2KeyPair Key { get; } = Hub.Signing.Sm2.Sm2KeyPair.Generate();

    public Hub.Server.Keys.SigningKeyStatus Status { get; set; } = Hub.Server.Keys.SigningKeyStatus.Active;

    public System.Security.Cryptography.X509Certificates.X509Certificate2 DocumentCertificate => throw new NotSupportedException();

    public Task InitializeAsync(string documentSubject, CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask<Hub.Signing.Sm2.Sm2KeyPair> ActiveKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Key);

    public ValueTask<Hub.Server.Keys.SigningKeyInfo?> FindAsync(string keyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(keyId == Key.KeyId
            ? new Hub.Server.Keys.SigningKeyInfo(Key.KeyId, "SM2-SM3", Key.PublicKey, Status, DateTimeOffset.UnixEpoch, null, null, Status == Hub.Server.Keys.SigningKeyStatus.Revoked ? "compromised" : null)
            : null);

    public ValueTask<IReadOnlyList<Hub.Server.Keys.SigningKeyInfo>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask<IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>> DocumentCertificatesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>>([]);

    public Task<Outcome<Hub.Admin.V1.RotateSigningKeyResponse>> RotateAsync(Hub.Core.Callers.Caller admin, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Outcome<Hub.Admin.V1.RevokeSigningKeyResponse>> RevokeAsync(Hub.Core.Callers.Caller admin, Hub.Server.Keys.RevokeSigningKeyCommand command, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>No delegation exists: every use is DELEGATION_NOT_FOUND (the unit tests of rules that act for no one).</summary>
public sealed class NoDelegations : IDelegationChecks
{
    public Task<Outcome<Hub.Adapters.Delegations.DelegatedScope>> UseAsync(Hub.Adapters.Delegations.DelegatedUse use, CancellationToken cancellationToken) =>
        Task.FromResult<Outcome<Hub.Adapters.Delegations.DelegatedScope>>(HubError.NotFound(Hub.Core.Contracts.ReasonCodes.DelegationNotFound, "none"));

    public Task<HubError?> WithdrawnAsync(Guid delegationId, CancellationToken cancellationToken) =>
        Task.FromResult<HubError?>(HubError.NotFound(Hub.Core.Contracts.ReasonCodes.DelegationNotFound, "none"));
}
