using Hub.Signing.Sm2.Managed;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Hub.Signing.Sm2;

/// <summary>
/// Which SM2 implementation signs and verifies: <see cref="Managed"/> (the default: specialised for sm2p256v1,
/// constant-time signing, no allocation per operation) or <see cref="BouncyCastle"/> (the reference). Both produce
/// and accept the same DER SM2-with-SM3 signatures under the GM/T 0009 default ID.
/// </summary>
public abstract class Sm2Engine
{
    public const string ManagedName = "Managed";
    public const string BouncyCastleName = "BouncyCastle";

    public static Sm2Engine Managed { get; } = new ManagedEngine();

    public static Sm2Engine BouncyCastle { get; } = new BouncyCastleEngine();

    public static Sm2Engine Default => Managed;

    public abstract string Name { get; }

    public static Sm2Engine FromName(string name) => name switch
    {
        ManagedName => Managed,
        BouncyCastleName => BouncyCastle,
        _ => throw new ArgumentException($"unknown SM2 engine '{name}': {ManagedName} or {BouncyCastleName}", nameof(name)),
    };

    public override string ToString() => Name;

    /// <summary>Signs into <paramref name="signature"/> (room for <see cref="Sm2KeyPair.MaxSignatureLength"/> bytes); returns the length.</summary>
    internal abstract int Sign(Sm2KeyPair key, ReadOnlySpan<byte> data, Span<byte> signature);

    internal abstract bool Verify(Sm2PublicKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    private sealed class ManagedEngine : Sm2Engine
    {
        public override string Name => ManagedName;

        internal override int Sign(Sm2KeyPair key, ReadOnlySpan<byte> data, Span<byte> signature) =>
            ManagedSm2.Sign(key.Managed, key.PublicKey.Managed.Za, data, signature);

        internal override bool Verify(Sm2PublicKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
            ManagedSm2.Verify(key.Managed, data, signature);
    }

    private sealed class BouncyCastleEngine : Sm2Engine
    {
        public override string Name => BouncyCastleName;

        internal override int Sign(Sm2KeyPair key, ReadOnlySpan<byte> data, Span<byte> signature)
        {
            var signer = new SM2Signer();
            signer.Init(true, new ParametersWithRandom(key.BouncyCastlePrivate, new SecureRandom()));
            signer.BlockUpdate(data);
            var der = signer.GenerateSignature();
            der.CopyTo(signature);
            return der.Length;
        }

        internal override bool Verify(Sm2PublicKey key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
        {
            // BouncyCastle signers are not thread-safe and cheap to create next to the curve arithmetic: one per call.
            var verifier = new SM2Signer();
            verifier.Init(false, key.BouncyCastlePublic);
            verifier.BlockUpdate(data);
            try
            {
                return verifier.VerifySignature(signature.ToArray());
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or Org.BouncyCastle.Crypto.CryptoException)
            {
                return false;
            }
        }
    }
}
