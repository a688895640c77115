using System.Security.Cryptography;
using System.Text;

namespace Hub.Server.Infrastructure.Secrets;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce. Output: nonce (12) ‖ tag (16) ‖ ciphertext. The associated data binds a
/// ciphertext to where it belongs (a column and a row), so a value copied elsewhere does not decrypt.
/// </summary>
internal static class AesGcmBox
{
    public const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(byte[] key, ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(associatedData));
        return output;
    }

    public static byte[] Open(byte[] key, ReadOnlySpan<byte> box, string associatedData)
    {
        if (box.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("ciphertext too short");
        }

        var plaintext = new byte[box.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(box[..NonceSize], box[(NonceSize + TagSize)..], box.Slice(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(associatedData));
        return plaintext;
    }
}
