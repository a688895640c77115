using System.CommandLine;
using System.Security.Cryptography;
using Hub.Common.V1;
using Hub.Signing.Assertions;
using Hub.Signing.Sm2;

namespace Hub.Cli.Commands;

/// <summary>
/// <c>hubctl portal assert</c>: what a portal does after it has authenticated a citizen — sign a short-lived holder
/// assertion with its SM2 key, to send with its calls (<c>--holder-assertion</c> or HUB_HOLDER_ASSERTION). Works
/// offline; the hub checks the signature against the key registered with the portal caller.
/// </summary>
internal static class PortalCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var keyFile = new Option<FileInfo>("--key-file") { Description = "The portal's SM2 private key (PKCS#8 PEM), e.g. .hub/demo-keys/portal-assertion-key.pem", Required = true };
        var callerId = new Option<string>("--caller-id") { Description = "The portal's caller_id (the assertion's audience)", Required = true };
        var idType = new Option<string>("--holder-id-type") { Description = "CITIZEN_ID, USCC, PASSPORT, …", DefaultValueFactory = _ => "CITIZEN_ID" };
        var id = new Option<string>("--holder-id") { Description = "The authenticated holder's identifier", Required = true };
        var minutes = new Option<int>("--minutes") { Description = "Lifetime, 1 to 10 minutes", DefaultValueFactory = _ => 5 };
        var assert = new Command("assert", "Sign a holder assertion for the holder the portal authenticated; prints the token") { keyFile, callerId, idType, id, minutes };
        assert.SetAction(async (parsed, cancellationToken) =>
        {
            var type = CliEnums.Parse<HolderIdType>(parsed.GetValue(idType));
            var lifetime = parsed.GetValue(minutes);
            if (!Guid.TryParse(parsed.GetValue(callerId), out var audience) || type == HolderIdType.Unspecified || lifetime is < 1 or > 10)
            {
                environment.Error.WriteLine("error: --caller-id must be a caller_id, --holder-id-type a known id type, --minutes 1 to 10.");
                return CliUsageException.ExitCode;
            }

            var file = parsed.GetValue(keyFile)!;
            if (!file.Exists)
            {
                throw new CliUsageException($"--key-file {file.FullName} does not exist.");
            }

            Sm2KeyPair key;
            try
            {
                var text = await File.ReadAllTextAsync(file.FullName, cancellationToken);
                key = Sm2KeyPair.FromPkcs8(Convert.FromBase64String(text[PemEncoding.Find(text).Base64Data]));
            }
            catch (Exception e) when (e is ArgumentException or FormatException or CryptographicException or InvalidOperationException)
            {
                throw new CliUsageException($"--key-file {file.Name} is not an SM2 private key in PKCS#8 PEM.");
            }

            var typeName = CommonReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>(nameof(HolderIdType))!.FindValueByNumber((int)type).Name;
            environment.Out.WriteLine(HolderAssertionToken.Create(key, audience, typeName, parsed.GetValue(id)!.Trim().ToUpperInvariant(), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(lifetime)));
            return 0;
        });
        return new Command("portal", "What a portal sends for the holder it authenticated") { assert };
    }
}
