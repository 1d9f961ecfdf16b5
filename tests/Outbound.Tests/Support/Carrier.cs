using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using MailFilter.AuthClient;
using MailFilter.Crypto.Envelope;

namespace MailFilter.Outbound.Tests.Support;

/// <summary>
/// Opens a delivered carrier independently of the writer: finds part 2 of the multipart/encrypted body by
/// its boundary, decodes the base64, and opens the envelope with the crypto library and the recipient's key
/// in mailfilter-authd, or reads the age plaintext (the MFSM container) that `age -d` gives.
/// </summary>
public static partial class Carrier
{
    public static (string Headers, byte[] AgeFile) Split(byte[] message)
    {
        string text = Encoding.Latin1.GetString(message);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string headers = text[..(end + 2)];
        string boundary = BoundaryPattern().Match(headers).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(boundary), "no multipart/encrypted boundary in:\n" + headers);
        var parts = text[(end + 4)..].Split("--" + boundary);
        Assert.Equal(4, parts.Length); // "", part 1, part 2, "--\r\n"
        Assert.Contains("Content-Type: application/vnd.mailfilter.envelope\r\n\r\nVersion: 1\r\n", parts[1], StringComparison.Ordinal);
        Assert.StartsWith("--", parts[3], StringComparison.Ordinal);
        string part2 = parts[2];
        int body = part2.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        var lines = part2[body..].Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines[..^1], l => Assert.Equal(76, l.Length));
        return (headers, Convert.FromBase64String(string.Concat(lines)));
    }

    /// <param name="senderAuthd">Where the sender's key is looked up, when not at the recipient's server.</param>
    public static async Task<(byte[] Inner, OpenedEnvelope Opened)> OpenAsync(byte[] ageFile, AuthdClient authd, string recipient, AuthdClient? senderAuthd = null)
    {
        var opener = new EnvelopeOpener(new AuthdSigningKeyResolver(senderAuthd ?? authd), new MemoryReplayGuard());
        using var spool = new MemoryStream();
        var opened = await opener.OpenAsync(new MemoryStream(ageFile), spool, new OpenRequest
        {
            RecipientAddress = recipient,
            Unwrapper = new AuthdFileKeyUnwrapper(authd, recipient),
            FromCheck = (_, _, _) => ValueTask.FromResult(true),
        });
        return (spool.ToArray(), opened);
    }

    /// <summary>The content of an MFSM container (envelope.md §4), as `age -d` prints it.</summary>
    public static byte[] ContainerContent(byte[] container)
    {
        Assert.True(container.AsSpan().StartsWith("MFSM"u8));
        int m = BinaryPrimitives.ReadUInt16BigEndian(container.AsSpan(8));
        long length = (long)BinaryPrimitives.ReadUInt64BigEndian(container.AsSpan(10 + m));
        return container.AsSpan(18 + m, (int)length).ToArray();
    }

    [GeneratedRegex("boundary=\"([^\"]+)\"")]
    private static partial Regex BoundaryPattern();
}
