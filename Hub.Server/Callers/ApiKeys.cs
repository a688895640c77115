using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Hub.Server.Callers;

/// <summary>
/// API keys: 256 random bits, shown once as <c>hub_&lt;base64url&gt;</c>; only their SHA-256 is stored. A plain hash
/// is enough for keys this long: there is nothing to guess by brute force.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "hub_";

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string apiKey) => SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
}
