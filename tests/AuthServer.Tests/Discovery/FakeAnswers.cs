using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Tests.Discovery;

/// <summary>Discovery answers a fake peer serves: keys made in the test, rotation statements signed in the test.</summary>
internal static class FakeAnswers
{
    public static string Keys(string address, params (byte[] PublicKey, KeyUse Use, DateTimeOffset NotBefore, DateTimeOffset? NotAfter)[] keys) =>
        Keys(address, [], keys);

    public static string Keys(string address, KeyRotation[] rotations, params (byte[] PublicKey, KeyUse Use, DateTimeOffset NotBefore, DateTimeOffset? NotAfter)[] keys) =>
        JsonSerializer.Serialize(new DiscoveryResponse { Keys = [.. keys.Select(k => Key(address, k.PublicKey, k.Use, k.NotBefore, k.NotAfter))], Rotations = rotations },
            AuthdJson.Default.DiscoveryResponse);

    public static string Serialize(params KeyInfo[] keys) => JsonSerializer.Serialize(new DiscoveryResponse { Keys = keys }, AuthdJson.Default.DiscoveryResponse);

    public static KeyInfo Key(string address, byte[] publicKey, KeyUse use, DateTimeOffset notBefore, DateTimeOffset? notAfter = null) => new()
    {
        Address = address,
        Use = use,
        Algorithm = use == KeyUse.Sign ? "ed25519" : "x25519",
        Kid = (use == KeyUse.Sign ? Ed25519PublicKey.Import(publicKey).KeyId : X25519PublicKey.Import(publicKey).KeyId).ToString(),
        PublicKey = publicKey,
        NotBefore = notBefore,
        NotAfter = notAfter,
        Origin = "generated",
    };

    public static KeyRotation Rotation(KeyUse use, KeyId oldKid, KeyId newKid, KeyId signerKid, DateTimeOffset at, byte[] signature) => new()
    {
        Use = use,
        OldKid = oldKid.ToString(),
        NewKid = newKid.ToString(),
        SignerKid = signerKid.ToString(),
        RotatedAt = at,
        Signature = signature,
    };
}
