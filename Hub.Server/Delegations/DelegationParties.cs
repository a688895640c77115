using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Hub.Common.V1;
using Hub.Core.Disclosure;
using Hub.Core.Holders;
using Hub.Server.Infrastructure.Secrets;

namespace Hub.Server.Delegations;

/// <summary>
/// The personal data of a delegation, encrypted at rest: the principal and the delegate (each bound to its
/// delegation and role by the associated data) and an organisation's legal representative; and the delegate masked,
/// as the principal's access history names them.
/// </summary>
public sealed class DelegationParties(DataProtector protector)
{
    public byte[] Index(HolderInput holder) => protector.BlindIndex(holder.IdType, holder.IdNumber);

    public byte[] Seal(Guid delegationId, string role, HolderInput holder) =>
        protector.Encrypt(new Holder { Name = holder.Name, IdType = holder.IdType, IdNumber = holder.IdNumber }.ToByteArray(), Context(delegationId, role));

    public Holder Open(Guid delegationId, string role, byte[] sealedHolder) =>
        Holder.Parser.ParseFrom(protector.Decrypt(sealedHolder, Context(delegationId, role)));

    public byte[] SealLegalRepresentative(Guid delegationId, string name) =>
        protector.Encrypt(Encoding.UTF8.GetBytes(name), Context(delegationId, "legal_representative"));

    /// <summary>Whether the sealed legal representative is this one (compared in constant time).</summary>
    public bool IsLegalRepresentative(Guid delegationId, byte[] sealedName, string name) =>
        CryptographicOperations.FixedTimeEquals(protector.Decrypt(sealedName, Context(delegationId, "legal_representative")), Encoding.UTF8.GetBytes(name));

    /// <summary>李* 610102********123X: enough for the principal to recognise whom they chose, no more.</summary>
    public static string Label(HolderInput holder)
    {
        var number = Masking.Apply(MaskRule.IdNumber, holder.IdNumber);
        return holder.Name.Length == 0 ? number : $"{Masking.Apply(MaskRule.Name, holder.Name)} {number}";
    }

    public const string PrincipalRole = "principal";
    public const string DelegateRole = "delegate";

    private static string Context(Guid delegationId, string role) => $"delegation:{delegationId}:{role}";
}
