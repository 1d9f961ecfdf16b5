using System.Security.Cryptography;
using System.Text;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signing;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Envelope;

/// <summary>
/// Every malformed envelope is refused with its own reason (issue 4 "must show"), and nothing is left
/// in the spool. Each case is built from a real envelope by cutting, flipping or re-forging one thing.
/// </summary>
public sealed class MalformedEnvelopeTests : IDisposable
{
    private readonly EnvelopeFixture _f = new();

    public void Dispose() => _f.Dispose();

    private sealed record Scenario(byte[] Envelope, Party Recipient, EnvelopeOpener? Opener = null, FromCheck? FromCheck = null, bool OpenTwice = false);

    public static TheoryData<string, EnvelopeError> Cases => new()
    {
        { "header truncated", EnvelopeError.HeaderTruncated },
        { "header over 256 KiB", EnvelopeError.HeaderTooLarge },
        { "flipped bit in the version line", EnvelopeError.HeaderVersionUnsupported },
        { "a stray line in the header", EnvelopeError.HeaderMalformed },
        { "non-canonical base64 in a stanza body", EnvelopeError.NonCanonicalBase64 },
        { "non-canonical base64 in a share", EnvelopeError.NonCanonicalBase64 },
        { "1,001 stanzas", EnvelopeError.TooManyStanzas },
        { "1,001 stanzas and a hint", EnvelopeError.TooManyStanzas },
        { "an unknown stanza type", EnvelopeError.UnexpectedStanza },
        { "an X25519 stanza after the hint", EnvelopeError.UnexpectedStanza },
        { "an X25519 stanza with two arguments", EnvelopeError.StanzaMalformed },
        { "an X25519 stanza body of 48 bytes", EnvelopeError.StanzaMalformed },
        { "a low-order share", EnvelopeError.ZeroSharedSecret },
        { "not a recipient", EnvelopeError.NoMatchingRecipient },
        { "flipped bit in a stanza body", EnvelopeError.NoMatchingRecipient },
        { "wrong header MAC", EnvelopeError.HeaderMacMismatch },
        { "flipped bit in the MAC", EnvelopeError.HeaderMacMismatch },
        { "flipped bit in the hint", EnvelopeError.HeaderMacMismatch },
        { "cut after the header", EnvelopeError.PayloadTruncated },
        { "cut in the nonce", EnvelopeError.PayloadTruncated },
        { "cut at a chunk boundary", EnvelopeError.PayloadTruncated },
        { "cut inside a chunk", EnvelopeError.PayloadChunkInvalid },
        { "flipped bit in the nonce", EnvelopeError.PayloadChunkInvalid },
        { "flipped bit in the payload", EnvelopeError.PayloadChunkInvalid },
        { "flipped bit in the last tag", EnvelopeError.PayloadChunkInvalid },
        { "bytes after a full final chunk", EnvelopeError.PayloadTrailingData },
        { "an empty final chunk", EnvelopeError.PayloadEmptyFinalChunk },
        { "plaintext ends in the preamble", EnvelopeError.PreambleTruncated },
        { "bad magic", EnvelopeError.BadMagic },
        { "container version 2", EnvelopeError.UnsupportedContainerVersion },
        { "signature algorithm 2", EnvelopeError.UnsupportedSignatureAlgorithm },
        { "hash algorithm 2", EnvelopeError.UnsupportedHashAlgorithm },
        { "a flag set", EnvelopeError.NonZeroFlags },
        { "plaintext ends in the manifest", EnvelopeError.ManifestTruncated },
        { "manifest length zero", EnvelopeError.ManifestMalformed },
        { "a manifest field past its length", EnvelopeError.ManifestMalformed },
        { "an upper-case sender domain", EnvelopeError.ManifestAddressInvalid },
        { "a Message-ID in angle brackets", EnvelopeError.ManifestMessageIdInvalid },
        { "zero recipients", EnvelopeError.RecipientCountOutOfRange },
        { "recipients out of order", EnvelopeError.RecipientsNotSorted },
        { "a recipient twice", EnvelopeError.DuplicateRecipient },
        { "plaintext ends in the content", EnvelopeError.ContentTruncated },
        { "content over the limit", EnvelopeError.ContentTooLarge },
        { "plaintext ends in the signature", EnvelopeError.SignatureTruncated },
        { "bytes after the signature", EnvelopeError.BytesAfterSignature },
        { "an unknown sender key", EnvelopeError.SenderKeyUnknown },
        { "a sender key of another address", EnvelopeError.SenderKeyWrongAddress },
        { "a revoked sender key", EnvelopeError.SenderKeyRevoked },
        { "a sender key not valid at the signing time", EnvelopeError.SenderKeyNotValidAtCreated },
        { "created in the future", EnvelopeError.CreatedInFuture },
        { "flipped bit in the signature", EnvelopeError.SignatureInvalid },
        { "flipped bit in the content", EnvelopeError.SignatureInvalid },
        { "a re-wrapped header (surreptitious forwarding)", EnvelopeError.SignatureInvalid },
        { "a recipient not in the manifest", EnvelopeError.RecipientNotInManifest },
        { "another From", EnvelopeError.FromMismatch },
        { "an extra stanza", EnvelopeError.StanzaCountMismatch },
        { "a hint that hides a recipient", EnvelopeError.HintMismatch },
        { "a replay", EnvelopeError.Replay },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheEnvelopeIsRefusedWithItsOwnReasonAndNothingIsReleased(string name, EnvelopeError expected)
    {
        using var forge = await EnvelopeForge.CreateAsync(_f, EnvelopeFixture.Message(new string('z', 150_000) + "\r\n"), _f.Bob, _f.Carol);
        var s = await BuildAsync(name, forge);
        var opener = s.Opener ?? _f.Opener();
        var request = EnvelopeFixture.For(s.Recipient, s.FromCheck);
        using var spool = new MemoryStream();
        if (s.OpenTwice)
        {
            await opener.OpenAsync(new MemoryStream(s.Envelope), spool, request);
        }

        var e = await Assert.ThrowsAsync<EnvelopeException>(() => opener.OpenAsync(new MemoryStream(s.Envelope), spool, request));
        Assert.Equal(expected, e.Error);
        Assert.Equal(0, spool.Length);
    }

    [Fact]
    public void EveryReasonHasACase()
    {
        var covered = Cases.Select(row => (EnvelopeError)row[1]).ToHashSet();
        Assert.DoesNotContain(Enum.GetValues<EnvelopeError>(), e => !covered.Contains(e));
    }

    [Fact]
    public async Task TheUntouchedForgeEnvelopeOpens()
    {
        using var forge = await EnvelopeForge.CreateAsync(_f, EnvelopeFixture.Message(), _f.Bob, _f.Carol);
        var (_, content) = await _f.OpenAsync(forge.Encrypt(forge.Plaintext), _f.Bob);
        Assert.Equal(forge.Content, content);
    }

    private async Task<Scenario> BuildAsync(string name, EnvelopeForge forge)
    {
        var bob = _f.Bob;
        var envelope = forge.Envelope;
        int h = forge.Header.Length;
        var plaintext = forge.Plaintext;
        int leadLength = ContainerFormat.PreambleSize + 2 + forge.Sealed.Manifest.Serialize().Length + 8;
        return name switch
        {
            "header truncated" => new(envelope[..(h - 5)], bob),
            "header over 256 KiB" => new(Encoding.ASCII.GetBytes("age-encryption.org/v1\n-> X25519 " + new string('A', 300_000)), bob),
            "flipped bit in the version line" => new(Replace(envelope, "age-encryption.org/v1", "age-encryption.org/v3"), bob),
            "a stray line in the header" => new(Replace(envelope, "age-encryption.org/v1\n", "age-encryption.org/v1\nhello\n"), bob),
            "non-canonical base64 in a stanza body" => new(Header(forge, lines => lines[2] = NonCanonical(lines[2])), bob),
            "non-canonical base64 in a share" => new(Header(forge, lines => lines[1] = NonCanonical(lines[1])), bob),
            "1,001 stanzas" => new(forge.WriteHeader(Enumerable.Repeat(forge.StanzaFor(bob), 1001)), bob),
            "1,001 stanzas and a hint" => new(forge.WriteHeader([.. Enumerable.Repeat(forge.StanzaFor(bob), 1001), EnvelopeForge.Hint(bob)]), bob),
            "an unknown stanza type" => new(forge.WriteHeader([forge.StanzaFor(bob), new AgeStanza("scrypt", ["c2FsdA", "18"], new byte[32]), EnvelopeForge.Hint(bob)]), bob),
            "an X25519 stanza after the hint" => new(forge.WriteHeader([forge.StanzaFor(bob), EnvelopeForge.Hint(bob), forge.StanzaFor(_f.Carol)]), bob),
            "an X25519 stanza with two arguments" => new(forge.WriteHeader([Reshape(forge.StanzaFor(bob), extraArgument: true)]), bob),
            "an X25519 stanza body of 48 bytes" => new(forge.WriteHeader([Reshape(forge.StanzaFor(bob), extraArgument: false)]), bob),
            "a low-order share" => new(forge.WriteHeader([new AgeStanza("X25519", [Base64NoPad.Encode(new byte[32])], new byte[32])]), bob),
            "not a recipient" => new(envelope, _f.Dave),
            "flipped bit in a stanza body" => new(Header(forge, lines => lines[BobsBody(forge)] = FlipBase64(lines[BobsBody(forge)])), bob),
            "wrong header MAC" => new(forge.Encrypt(WrongMac(forge), plaintext), bob),
            "flipped bit in the MAC" => new(Header(forge, lines => lines[^2] = "--- " + FlipBase64(lines[^2][4..])), bob),
            "flipped bit in the hint" => new(Header(forge, lines => lines[^4] = FlipHint(lines[^4])), bob),
            "cut after the header" => new(envelope[..h], bob),
            "cut in the nonce" => new(envelope[..(h + 7)], bob),
            "cut at a chunk boundary" => new(envelope[..(h + AgeFormat.NonceSize + AgeFormat.EncryptedChunkSize)], bob),
            "cut inside a chunk" => new(envelope[..(h + AgeFormat.NonceSize + AgeFormat.EncryptedChunkSize + 1000)], bob),
            "flipped bit in the nonce" => new(Flip(envelope, h + 3), bob),
            "flipped bit in the payload" => new(Flip(envelope, h + AgeFormat.NonceSize + 70_000), bob),
            "flipped bit in the last tag" => new(Flip(envelope, envelope.Length - 2), bob),
            "bytes after a full final chunk" => new([.. forge.Encrypt(new byte[AgeFormat.ChunkSize]), 0x00], bob),
            "an empty final chunk" => new(EmptyFinalChunk(forge), bob),
            "plaintext ends in the preamble" => new(forge.Encrypt(plaintext[..5]), bob),
            "bad magic" => new(forge.Encrypt(Patch(plaintext, 0, (byte)'X')), bob),
            "container version 2" => new(forge.Encrypt(Patch(plaintext, 4, 2)), bob),
            "signature algorithm 2" => new(forge.Encrypt(Patch(plaintext, 5, 2)), bob),
            "hash algorithm 2" => new(forge.Encrypt(Patch(plaintext, 6, 2)), bob),
            "a flag set" => new(forge.Encrypt(Patch(plaintext, 7, 1)), bob),
            "plaintext ends in the manifest" => new(forge.Encrypt(plaintext[..20]), bob),
            "manifest length zero" => new(forge.Encrypt(Patch(Patch(plaintext, 8, 0), 9, 0)), bob),
            "a manifest field past its length" => new(forge.Encrypt(Patch(plaintext, 9, (byte)(plaintext[9] - 20))), bob),
            "an upper-case sender domain" => Unsigned(forge, EnvelopeForge.Manifest("alice@Example.org", _f.Alice.Signing.KeyId, 1, "m1@x", ("bob@example.net", bob.Encryption.KeyId))),
            "a Message-ID in angle brackets" => Unsigned(forge, EnvelopeForge.Manifest(_f.Alice.Address, _f.Alice.Signing.KeyId, 1, "<m1@x>", ("bob@example.net", bob.Encryption.KeyId))),
            "zero recipients" => Unsigned(forge, EnvelopeForge.Manifest(_f.Alice.Address, _f.Alice.Signing.KeyId, 1, "m1@x")),
            "recipients out of order" => Unsigned(forge, EnvelopeForge.Manifest(_f.Alice.Address, _f.Alice.Signing.KeyId, 1, "m1@x", ("carol@example.com", _f.Carol.Encryption.KeyId), ("bob@example.net", bob.Encryption.KeyId))),
            "a recipient twice" => Unsigned(forge, EnvelopeForge.Manifest(_f.Alice.Address, _f.Alice.Signing.KeyId, 1, "m1@x", ("bob@example.net", bob.Encryption.KeyId), ("bob@example.net", bob.Encryption.KeyId))),
            "plaintext ends in the content" => new(forge.Encrypt(plaintext[..(leadLength + 100)]), bob),
            "content over the limit" => new(envelope, bob, new EnvelopeOpener(_f.Keys, new MemoryReplayGuard(), new EnvelopeOpenOptions { MaxContentLength = 1000 })),
            "plaintext ends in the signature" => new(forge.Encrypt(plaintext[..^10]), bob),
            "bytes after the signature" => new(forge.Encrypt([.. plaintext, 0x0A]), bob),
            "an unknown sender key" => new(envelope, bob, new EnvelopeOpener(new InMemorySigningKeyResolver(), new MemoryReplayGuard(), Options())),
            "a sender key of another address" => new(envelope, bob, OpenerWith(_f.Alice.SigningRecord() with { Address = "mallory@example.org" })),
            "a revoked sender key" => new(envelope, bob, OpenerWith(_f.Alice.SigningRecord(revoked: true))),
            "a sender key not valid at the signing time" => new(envelope, bob, OpenerWith(_f.Alice.SigningRecord(notAfter: EnvelopeFixture.Created.AddDays(-1)))),
            "created in the future" => new(envelope, bob, _f.Opener(time: new FixedTime(EnvelopeFixture.Created.AddHours(-1)))),
            "flipped bit in the signature" => new(forge.Encrypt(Patch(plaintext, plaintext.Length - 30, (byte)(plaintext[^30] ^ 0x10))), bob),
            "flipped bit in the content" => new(forge.Encrypt(Patch(plaintext, leadLength + 3, (byte)(plaintext[leadLength + 3] ^ 0x01))), bob),
            "a re-wrapped header (surreptitious forwarding)" => new(await ReWrapAsync(plaintext, _f.Dave), _f.Dave),
            "a recipient not in the manifest" => Signed(forge, [forge.StanzaFor(bob), forge.StanzaFor(_f.Dave), EnvelopeForge.Hint(bob, _f.Dave)], forge.Manifest(bob), _f.Dave),
            "another From" => new(envelope, bob, FromCheck: (_, _, _) => ValueTask.FromResult(false)),
            "an extra stanza" => Signed(forge, [forge.StanzaFor(bob), forge.StanzaFor(_f.Dave)], forge.Manifest(bob), bob),
            "a hint that hides a recipient" => Signed(forge, [forge.StanzaFor(bob), forge.StanzaFor(_f.Dave), EnvelopeForge.Hint(bob, _f.Dave)], forge.Manifest(bob, _f.Carol), bob),
            "a replay" => new(envelope, bob, _f.Opener(new MemoryReplayGuard()), OpenTwice: true),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static EnvelopeOpenOptions Options() => new() { TimeProvider = new FixedTime(EnvelopeFixture.Created.AddMinutes(1)) };

    private static EnvelopeOpener OpenerWith(SigningKeyRecord record)
    {
        var keys = new InMemorySigningKeyResolver();
        keys.Add(record);
        return new EnvelopeOpener(keys, new MemoryReplayGuard(), Options());
    }

    /// <summary>The forge's header with its lines edited (MAC left as it was), followed by the original payload.</summary>
    private static byte[] Header(EnvelopeForge forge, Action<string[]> edit)
    {
        var lines = Encoding.ASCII.GetString(forge.Header).Split('\n');
        edit(lines);
        return [.. Encoding.ASCII.GetBytes(string.Join('\n', lines)), .. forge.Envelope.AsSpan(forge.Header.Length)];
    }

    /// <summary>A container around <paramref name="manifest"/> whose signature does not matter: the manifest fails first.</summary>
    private Scenario Unsigned(EnvelopeForge forge, byte[] manifest) =>
        new(forge.Encrypt([.. ContainerFormat.WriteLead(manifest, 4), .. "abcd"u8, .. new byte[64]]), _f.Bob);

    private Scenario Signed(EnvelopeForge forge, AgeStanza[] stanzas, byte[] manifest, Party recipient)
    {
        var header = forge.WriteHeader(stanzas);
        return new(forge.Encrypt(header, forge.SignedContainer(header, manifest)), recipient);
    }

    private async Task<byte[]> ReWrapAsync(byte[] plaintext, Party to)
    {
        using var output = new MemoryStream();
        await AgeFile.EncryptAsync(new MemoryStream(plaintext), output, [to.Encryption.PublicKey]);
        return output.ToArray();
    }

    private static byte[] WrongMac(EnvelopeForge forge)
    {
        using var other = MailFilter.Crypto.Keys.FileKey.Generate();
        var parser = new AgeHeaderParser(AgeLimits.Envelope);
        parser.TryParse(forge.Header, true, out var header);
        return AgeHeaderWriter.Write(header!.Stanzas, other);
    }

    private static byte[] EmptyFinalChunk(EnvelopeForge forge)
    {
        var nonce = RandomNumberGenerator.GetBytes(AgeFormat.NonceSize);
        using var aead = AgeFormat.CreatePayloadCipher(forge.FileKey, nonce);
        var full = new byte[AgeFormat.EncryptedChunkSize];
        var chunkNonce = new byte[12];
        AgeFormat.ChunkNonce(0, last: false, chunkNonce);
        aead.Encrypt(chunkNonce, forge.Plaintext.AsSpan(0, AgeFormat.ChunkSize), full.AsSpan(0, AgeFormat.ChunkSize), full.AsSpan(AgeFormat.ChunkSize));
        var empty = new byte[AgeFormat.TagSize];
        AgeFormat.ChunkNonce(1, last: true, chunkNonce);
        aead.Encrypt(chunkNonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, empty);
        return [.. forge.Header, .. nonce, .. full, .. empty];
    }

    /// <summary>The header line index of Bob's stanza body (stanzas are shuffled; the hint gives their order).</summary>
    private int BobsBody(EnvelopeForge forge)
    {
        var lines = Encoding.ASCII.GetString(forge.Header).Split('\n');
        var hint = lines.Single(l => l.StartsWith("-> " + KeyHint.StanzaType, StringComparison.Ordinal)).Split(' ')[2..];
        return 2 + (2 * Array.IndexOf(hint, _f.Bob.Encryption.KeyId.ToString()));
    }

    private static AgeStanza Reshape(AgeStanza stanza, bool extraArgument) => extraArgument
        ? new AgeStanza(stanza.Type, [.. stanza.Arguments, "extra"], stanza.Body)
        : new AgeStanza(stanza.Type, stanza.Arguments, [.. stanza.Body, .. new byte[16]]);

    private static byte[] Replace(byte[] data, string from, string to)
    {
        var text = Encoding.Latin1.GetString(data);
        int i = text.IndexOf(from, StringComparison.Ordinal);
        return Encoding.Latin1.GetBytes(text[..i] + to + text[(i + from.Length)..]);
    }

    private static byte[] Flip(byte[] data, int index) => Patch(data, index, (byte)(data[index] ^ 0x04));

    private static byte[] Patch(byte[] data, int index, byte value)
    {
        var copy = (byte[])data.Clone();
        copy[index] = value;
        return copy;
    }

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Sets an unused low bit of the last character: same bytes, second spelling.</summary>
    private static string NonCanonical(string line)
    {
        int i = line.Length - 1;
        int v = Alphabet.IndexOf(line[i], StringComparison.Ordinal);
        return line[..i] + Alphabet[v | 1];
    }

    /// <summary>Flips one bit of the bytes a base64 text encodes and re-encodes them canonically.</summary>
    private static string FlipBase64(string text)
    {
        var bytes = new byte[Base64NoPad.DecodedLength(text.Length)];
        Base64NoPad.TryDecode(Encoding.ASCII.GetBytes(text), bytes, out _);
        bytes[5] ^= 0x20;
        return Base64NoPad.Encode(bytes);
    }

    private static string FlipHint(string line)
    {
        var parts = line.Split(' ');
        parts[2] = FlipBase64(parts[2]);
        return string.Join(' ', parts);
    }
}
