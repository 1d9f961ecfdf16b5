using System.Security.Cryptography;
using System.Text;

namespace MailFilter.Crypto.Tests.Vectors;

/// <summary>The fixed inputs of docs/vectors/*.json. Changing any of them changes the committed files.</summary>
internal static class VectorInputs
{
    /// <summary>RFC 8032 §7.1 TEST 1: the sender's Ed25519 seed.</summary>
    public static readonly byte[] SenderSeed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    public const string Sender = "alice@example.org";

    /// <summary>Recipients and their X25519 scalars (RFC 7748 §6.1's Bob, then SHA-256("carol")).</summary>
    public static readonly (string Address, byte[] Scalar)[] Recipients =
    [
        ("bob@example.net", Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")),
        ("carol@example.com", SHA256.HashData("carol"u8)),
    ];

    public static readonly byte[] FileKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");

    public static readonly byte[] PayloadNonce = Convert.FromHexString("101112131415161718191a1b1c1d1e1f");

    public static readonly byte[][] EphemeralScalars = [SHA256.HashData("ephemeral 0"u8), SHA256.HashData("ephemeral 1"u8)];

    public static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_760_000_000);

    public const string MessageId = "vector-1@example.org";

    public static readonly byte[] Content = Encoding.ASCII.GetBytes(
        "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>, Carol <carol@example.com>\r\n" +
        "Subject: envelope v1 test vector\r\nDate: Thu, 09 Oct 2025 08:53:20 +0000\r\n" +
        "Message-ID: <vector-1@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" +
        "This message is the content of the envelope v1 test vector.\r\n");

    /// <summary>The salt of the signature-header vector's env= tag.</summary>
    public static readonly byte[] BindingSalt = Convert.FromHexString("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
}
