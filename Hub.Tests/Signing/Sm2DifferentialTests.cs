using System.Security.Cryptography;
using Hub.Signing.Sm2;

namespace Hub.Tests.Signing;

/// <summary>
/// The managed engine and BouncyCastle, each checking the other over random keys and messages in each direction: what
/// one signs, the other verifies, and a changed message fails in both. 10,000 of each by default (about half a minute);
/// <c>HUB_TEST_SM2_DIFFERENTIAL=full</c> — which CI sets — runs 100,000 (BouncyCastle makes that minutes on both
/// cores). It runs alone either way (see <see cref="RunsAlone"/>).
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class Sm2DifferentialTests
{
    private static readonly int Count =
        Environment.GetEnvironmentVariable("HUB_TEST_SM2_DIFFERENTIAL") == "full" ? 100_000 : 10_000;

    [Fact]
    public void ManagedSignatures_VerifyInBouncyCastle()
    {
        var failures = Run(Sm2Engine.Managed, Sm2Engine.BouncyCastle);

        Assert.Empty(failures);
    }

    [Fact]
    public void BouncyCastleSignatures_VerifyInManaged()
    {
        var failures = Run(Sm2Engine.BouncyCastle, Sm2Engine.Managed);

        Assert.Empty(failures);
    }

    private static List<string> Run(Sm2Engine signer, Sm2Engine verifier)
    {
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var key = Sm2KeyPair.Generate(signer);
            var message = RandomNumberGenerator.GetBytes(i % 300);
            var signature = key.Sign(message);
            var publicKey = key.PublicKey.WithEngine(verifier);
            if (!publicKey.Verify(message, signature))
            {
                failures.Enqueue($"#{i}: valid signature refused (key {Convert.ToHexString(key.PublicKey.SubjectPublicKeyInfo)}, signature {Convert.ToHexString(signature)})");
            }

            // Every 16th: a message one bit off must fail in the verifying engine too.
            if (i % 16 == 0 && message.Length > 0)
            {
                message[i % message.Length] ^= 1;
                if (publicKey.Verify(message, signature))
                {
                    failures.Enqueue($"#{i}: changed message accepted");
                }
            }
        });
        return [.. failures.Take(10)];
    }
}

/// <summary>Tests that keep every core busy for long: they run after the others, alone, so timing-sensitive tests (provider deadlines) never starve.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
