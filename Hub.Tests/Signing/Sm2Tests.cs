using System.Text;
using Hub.Signing.Sm2;
using Hub.Tests.Support;

namespace Hub.Tests.Signing;

public sealed class Sm2Tests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-sm2-").FullName;

    [Theory]
    [InlineData("abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [InlineData("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")]
    public void Sm3_StandardExamples(string input, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sm3.Hash(Encoding.ASCII.GetBytes(input))));

    [Fact]
    public void Sm3_AgreesWithOpenSsl()
    {
        var file = Path.Combine(_folder, "data.bin");
        var data = Encoding.UTF8.GetBytes("{\"format\":\"hub.license.v1\",\"持证主体\":\"张三\"}");
        File.WriteAllBytes(file, data);

        var (exit, output) = ExternalTool.Run("openssl", "dgst", "-sm3", "-r", file);

        Assert.Equal(0, exit);
        Assert.StartsWith(Convert.ToHexStringLower(Sm3.Hash(data)), output, StringComparison.Ordinal);
    }

    [Fact]
    public void SignVerify_RoundTrips_AndAnyChangeFails()
    {
        var key = Sm2KeyPair.Generate();
        var data = Encoding.UTF8.GetBytes("sealed content");
        var signature = key.Sign(data);

        Assert.True(key.PublicKey.Verify(data, signature));
        Assert.False(key.PublicKey.Verify(Encoding.UTF8.GetBytes("sealed contenT"), signature));
        Assert.False(Sm2KeyPair.Generate().PublicKey.Verify(data, signature));
        var tampered = (byte[])signature.Clone();
        tampered[^1] ^= 1;
        Assert.False(key.PublicKey.Verify(data, tampered));
        Assert.False(key.PublicKey.Verify(data, [0x30, 0x00]));
        Assert.False(key.PublicKey.Verify(data, []));
    }

    [Fact]
    public void Pkcs8AndSpki_RoundTrip_AndKeyIdIsSm3OfSpki()
    {
        var key = Sm2KeyPair.Generate();
        var reloaded = Sm2KeyPair.FromPkcs8(key.ExportPkcs8());
        var publicKey = Sm2PublicKey.FromPem(key.PublicKey.Pem);

        Assert.Equal(key.KeyId, reloaded.KeyId);
        Assert.Equal(key.KeyId, publicKey.KeyId);
        Assert.Equal(Convert.ToHexStringLower(Sm3.Hash(key.PublicKey.SubjectPublicKeyInfo))[..16], key.KeyId);
        // Named curve: the SPKI carries the sm2p256v1 OID, not explicit parameters.
        Assert.StartsWith("3059301306072A8648CE3D020106082A811CCF5501822D034200", Convert.ToHexString(key.PublicKey.SubjectPublicKeyInfo), StringComparison.Ordinal);
        Assert.True(publicKey.Verify("x"u8, reloaded.Sign("x"u8)));
    }

    [Fact]
    public void HubSignature_VerifiesWithOpenSslUsingTheDefaultId()
    {
        var key = Sm2KeyPair.Generate();
        var data = Encoding.UTF8.GetBytes("{\"format\":\"hub.license.v1\",\"identifier\":\"x\"}");
        File.WriteAllBytes(Path.Combine(_folder, "data"), data);
        File.WriteAllBytes(Path.Combine(_folder, "sig.der"), key.Sign(data));
        File.WriteAllText(Path.Combine(_folder, "pub.pem"), key.PublicKey.Pem);

        var (exit, output) = ExternalTool.Run("openssl", "dgst", "-sm3", "-verify", Path.Combine(_folder, "pub.pem"),
            "-sigopt", "distid:1234567812345678", "-signature", Path.Combine(_folder, "sig.der"), Path.Combine(_folder, "data"));

        Assert.True(exit == 0, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenSslSignature_VerifiesInHubSigning_AndItsKeyLoads()
    {
        var keyFile = Path.Combine(_folder, "sm2.key");
        Assert.Equal(0, ExternalTool.Run("openssl", "genpkey", "-algorithm", "SM2", "-out", keyFile).ExitCode);
        Assert.Equal(0, ExternalTool.Run("openssl", "pkey", "-in", keyFile, "-pubout", "-out", Path.Combine(_folder, "sm2.pub")).ExitCode);
        var data = Path.Combine(_folder, "data");
        File.WriteAllText(data, "signed by openssl");
        var sig = Path.Combine(_folder, "sig.der");
        Assert.Equal(0, ExternalTool.Run("openssl", "dgst", "-sm3", "-sign", keyFile, "-sigopt", "distid:1234567812345678", "-out", sig, data).ExitCode);

        var publicKey = Sm2PublicKey.FromPem(File.ReadAllText(Path.Combine(_folder, "sm2.pub")));

        Assert.True(publicKey.Verify(File.ReadAllBytes(data), File.ReadAllBytes(sig)));
        var der = Convert.FromBase64String(string.Concat(File.ReadAllLines(keyFile).Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        Assert.Equal(publicKey.KeyId, Sm2KeyPair.FromPkcs8(der).KeyId);
    }

    [Fact]
    public void OpenSslSignatureWithEmptyId_DoesNotVerify()
    {
        // OpenSSL 3's default is an empty SM2 ID; GM/T 0009 requires 1234567812345678. The two must not be confused.
        var keyFile = Path.Combine(_folder, "sm2.key");
        ExternalTool.Run("openssl", "genpkey", "-algorithm", "SM2", "-out", keyFile);
        ExternalTool.Run("openssl", "pkey", "-in", keyFile, "-pubout", "-out", Path.Combine(_folder, "sm2.pub"));
        var data = Path.Combine(_folder, "data");
        File.WriteAllText(data, "empty id");
        var sig = Path.Combine(_folder, "sig.der");
        Assert.Equal(0, ExternalTool.Run("openssl", "dgst", "-sm3", "-sign", keyFile, "-out", sig, data).ExitCode);

        Assert.False(Sm2PublicKey.FromPem(File.ReadAllText(Path.Combine(_folder, "sm2.pub"))).Verify(File.ReadAllBytes(data), File.ReadAllBytes(sig)));
    }

    [Fact]
    public void Hmac_IsKeyedAndDeterministic()
    {
        var a = Sm3.Hmac("key-1"u8, "111:11010519491231002X"u8);
        Assert.Equal(a, Sm3.Hmac("key-1"u8, "111:11010519491231002X"u8));
        Assert.NotEqual(a, Sm3.Hmac("key-2"u8, "111:11010519491231002X"u8));
        Assert.Equal(32, a.Length);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
