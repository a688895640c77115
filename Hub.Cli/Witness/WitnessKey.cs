using Hub.Signing.Merkle;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Hub.Cli.Witness;

/// <summary>
/// The witness's Ed25519 key: made on first start in <c>DIR/witness.key</c> (owner-only), its verifier key written to
/// <c>DIR/witness.vkey</c> for the logs and auditors that rely on this witness.
/// </summary>
internal static class WitnessKey
{
    public static Ed25519PrivateKeyParameters LoadOrCreate(string folder, string name)
    {
        var keyFile = Path.Combine(folder, "witness.key");
        Ed25519PrivateKeyParameters key;
        if (File.Exists(keyFile))
        {
            key = new Ed25519PrivateKeyParameters(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()));
        }
        else
        {
            key = new Ed25519PrivateKeyParameters(new SecureRandom());
            File.WriteAllText(keyFile, string.Empty);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.WriteAllText(keyFile, Convert.ToBase64String(key.GetEncoded()) + "\n");
        }

        File.WriteAllText(Path.Combine(folder, "witness.vkey"), Cosignature.VerifierKey(name, key.GeneratePublicKey().GetEncoded()) + "\n");
        return key;
    }
}
