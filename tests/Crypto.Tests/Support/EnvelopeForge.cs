using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Tests.Support;

/// <summary>
/// Builds envelopes the sealer never would: it keeps the file key of a real envelope, so it can write
/// headers with valid MACs, re-encrypt altered containers, and sign altered transcripts as Alice, the
/// way a malicious sender or a recipient holding the file key could.
/// </summary>
internal sealed class EnvelopeForge : IDisposable
{
    private readonly EnvelopeFixture _f;

    private EnvelopeForge(EnvelopeFixture f, FileKey fileKey, byte[] envelope, SealedEnvelope sealedEnvelope, byte[] content)
    {
        _f = f;
        FileKey = fileKey;
        Envelope = envelope;
        Sealed = sealedEnvelope;
        Content = content;
        var parser = new AgeHeaderParser(AgeLimits.Envelope);
        parser.TryParse(envelope, endOfInput: true, out var header);
        Header = header!.Bytes;
        Plaintext = Container.Expected(sealedEnvelope, content);
    }

    public FileKey FileKey { get; }

    public byte[] Envelope { get; }

    public SealedEnvelope Sealed { get; }

    public byte[] Content { get; }

    public byte[] Header { get; }

    /// <summary>The container: the age plaintext.</summary>
    public byte[] Plaintext { get; }

    public static async Task<EnvelopeForge> CreateAsync(EnvelopeFixture f, byte[] content, params Party[] recipients)
    {
        var random = new KnownFileKey();
        using var output = new MemoryStream();
        var sealedEnvelope = await EnvelopeSealer.SealCoreAsync(
            new MemoryStream(content), output, f.Request(recipients), new Signing.LocalMessageSigner(f.Alice.Signing), random, default);
        return new EnvelopeForge(f, FileKey.Import(random.Bytes), output.ToArray(), sealedEnvelope, content);
    }

    public byte[] Encrypt(byte[] plaintext) => Encrypt(Header, plaintext);

    public byte[] Encrypt(byte[] header, byte[] plaintext)
    {
        using var output = new MemoryStream();
        output.Write(header);
        using (var writer = new AgePayloadWriter(output, FileKey, RandomNumberGenerator.GetBytes(AgeFormat.NonceSize)))
        {
            writer.WriteAsync(plaintext, default).AsTask().GetAwaiter().GetResult();
            writer.CompleteAsync(default).AsTask().GetAwaiter().GetResult();
        }

        return output.ToArray();
    }

    public AgeStanza StanzaFor(Party party) => AgeX25519.ToAgeStanza(AgeX25519.Wrap(FileKey, party.Encryption.PublicKey));

    public static AgeStanza Hint(params Party[] parties) => KeyHint.Create(parties.Select(p => p.Encryption.KeyId));

    public byte[] WriteHeader(IEnumerable<AgeStanza> stanzas) => AgeHeaderWriter.Write(stanzas.ToList(), FileKey);

    /// <summary>A container for <paramref name="header"/> with Alice's valid signature over whatever it holds.</summary>
    public byte[] SignedContainer(byte[] header, byte[] manifest, byte[]? content = null, byte[]? preamble = null)
    {
        content ??= Content;
        preamble ??= ContainerFormat.Preamble.ToArray();
        var lead = ContainerFormat.WriteLead(manifest, content.Length);
        preamble.CopyTo(lead, 0);
        var tbs = ContainerFormat.ToBeSigned(preamble, SHA256.HashData(header), SHA256.HashData(manifest), content.Length, SHA256.HashData(content));
        return [.. lead, .. content, .. _f.Alice.Signing.Sign(tbs)];
    }

    /// <summary>A manifest written field by field, in the order given (nothing sorted or checked).</summary>
    public static byte[] Manifest(string sender, KeyId senderKid, long created, string messageId, params (string Address, KeyId Kid)[] recipients)
    {
        var output = new MemoryStream();
        WriteString(output, Encoding.UTF8.GetBytes(sender));
        output.Write(senderKid.ToArray());
        var eight = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(eight, created);
        output.Write(eight);
        WriteString(output, Encoding.ASCII.GetBytes(messageId));
        output.WriteByte((byte)(recipients.Length >> 8));
        output.WriteByte((byte)recipients.Length);
        foreach (var (address, kid) in recipients)
        {
            WriteString(output, Encoding.UTF8.GetBytes(address));
            output.Write(kid.ToArray());
        }

        return output.ToArray();
    }

    public byte[] Manifest(params Party[] recipients) =>
        Manifest(_f.Alice.Address, _f.Alice.Signing.KeyId, EnvelopeFixture.Created.ToUnixTimeSeconds(), "m1@example.org",
            recipients.Select(r => (r.Address, r.Encryption.KeyId)).OrderBy(r => r.Address, StringComparer.Ordinal).ToArray());

    public void Dispose() => FileKey.Dispose();

    private static void WriteString(MemoryStream output, byte[] value)
    {
        output.WriteByte((byte)value.Length);
        output.Write(value);
    }

    private sealed class KnownFileKey : SealRandomness
    {
        public byte[] Bytes { get; } = RandomNumberGenerator.GetBytes(FileKey.Size);

        public override FileKey NewFileKey() => FileKey.Import(Bytes);
    }
}
