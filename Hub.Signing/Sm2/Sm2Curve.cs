using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Crypto.Parameters;

namespace Hub.Signing.Sm2;

/// <summary>The sm2p256v1 curve (GB/T 32918.5) as named domain parameters, so exported keys carry the curve OID.</summary>
internal static class Sm2Curve
{
    public static ECNamedDomainParameters Parameters { get; } =
        new(GMObjectIdentifiers.sm2p256v1, GMNamedCurves.GetByName("sm2p256v1"));

    public static bool IsSm2(ECDomainParameters parameters) =>
        parameters.Curve.Equals(Parameters.Curve) && parameters.G.Equals(Parameters.G);
}
