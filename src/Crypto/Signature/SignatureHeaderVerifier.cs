using System.Globalization;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// Verifies MailFilter-Signature headers (docs/signature-header.md §6): the profile's tags, the
/// sender's key from mailfilter-authd (by kid in <c>s=</c>), the relaxed body and header hashes, the
/// Ed25519 signature, and the binding to this delivery's envelope.
/// </summary>
public sealed class SignatureHeaderVerifier
{
    private static readonly string[] s_requiredTags = ["v", "a", "b", "bh", "c", "d", "h", "i", "s", "t", EnvelopeBinding.TagName];
    private readonly ISigningKeyResolver _keys;
    private readonly SignatureHeaderVerifyOptions _options;

    public SignatureHeaderVerifier(ISigningKeyResolver keys, SignatureHeaderVerifyOptions? options = null)
    {
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _options = options ?? SignatureHeaderVerifyOptions.Default;
    }

    /// <summary>
    /// Verifies the message's signature headers for one delivery. Pass if any (of the first few,
    /// topmost first) verifies; otherwise the first one's failure.
    /// </summary>
    public async Task<SignatureHeaderResult> VerifyAsync(
        IReadOnlyList<HeaderField> headers, Stream body, DeliveryEnvelope envelope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(envelope);
        var signatures = headers.Where(h => h.HasName(SignatureHeader.FieldName)).Take(_options.MaxSignatures).ToList();
        if (signatures.Count == 0)
        {
            return SignatureHeaderResult.None;
        }

        var bodyHash = await RelaxedBodyHasher.HashAsync(body, cancellationToken).ConfigureAwait(false);
        SignatureHeaderResult? firstFailure = null;
        foreach (var signature in signatures)
        {
            var result = await VerifyOneAsync(headers, signature, bodyHash, envelope, cancellationToken).ConfigureAwait(false);
            if (result.Status == SignatureHeaderStatus.Pass)
            {
                return result;
            }

            firstFailure ??= result;
        }

        return firstFailure!;
    }

    private async Task<SignatureHeaderResult> VerifyOneAsync(
        IReadOnlyList<HeaderField> headers, HeaderField field, byte[] bodyHash, DeliveryEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!TagList.TryParse(field.RawValue.Span, out var tags))
        {
            return Fail(SignatureHeaderError.Malformed);
        }

        if (s_requiredTags.Any(t => tags[t] is null))
        {
            return Fail(SignatureHeaderError.MissingTag);
        }

        var profileError = CheckProfile(tags, headers);
        if (profileError is not null)
        {
            return Fail(profileError.Value);
        }

        if (!DkimQuotedPrintable.TryDecode(tags["i"]!, out var identity) || !AddressCanonicalizer.TryCanonicalize(identity, out var signer)
            || !KeyId.TryParse(tags["s"], out var kid) || !TryParseTime(tags["t"]!, out var signedAt))
        {
            return Fail(SignatureHeaderError.Malformed);
        }

        if (!string.Equals(signer[(signer.LastIndexOf('@') + 1)..], tags["d"], StringComparison.OrdinalIgnoreCase))
        {
            return Fail(SignatureHeaderError.DomainMismatch);
        }

        SignatureHeaderResult Failed(SignatureHeaderError error) => new(SignatureHeaderStatus.Fail, error, signer, kid, signedAt);

        var timeError = CheckTimes(tags, signedAt);
        if (timeError is not null)
        {
            return Failed(timeError.Value);
        }

        var record = await _keys.FindSigningKeyAsync(kid, signer, cancellationToken).ConfigureAwait(false);
        var keyError = CheckKey(record, kid, signer, signedAt);
        if (keyError is not null)
        {
            return Failed(keyError.Value);
        }

        var bh = TagList.Compact(tags["bh"]!);
        if (!TryFromBase64(bh, out var claimedBodyHash) || !claimedBodyHash.AsSpan().SequenceEqual(bodyHash))
        {
            return Failed(SignatureHeaderError.BodyHashMismatch);
        }

        if (!VerifyHeaderSignature(headers, field, tags, record!.PublicKey))
        {
            return Failed(SignatureHeaderError.SignatureInvalid);
        }

        var bindingError = EnvelopeBinding.Check(tags[EnvelopeBinding.TagName]!, envelope.MailFrom, envelope.Recipient);
        return bindingError is null ? new SignatureHeaderResult(SignatureHeaderStatus.Pass, null, signer, kid, signedAt) : Failed(bindingError.Value);
    }

    /// <summary>Cryptographic check alone: the header hash input (with b= deleted) against b= under <paramref name="key"/>.</summary>
    internal static bool VerifyHeaderSignature(IReadOnlyList<HeaderField> headers, HeaderField field, TagList tags, Ed25519PublicKey key)
    {
        var b = tags.Find("b")!.Value;
        if (!TryFromBase64(TagList.Compact(b.Value), out var signature))
        {
            return false;
        }

        var raw = field.RawValue.Span;
        var withoutB = new byte[raw.Length - (b.ValueEnd - b.ValueStart)];
        raw[..b.ValueStart].CopyTo(withoutB);
        raw[b.ValueEnd..].CopyTo(withoutB.AsSpan(b.ValueStart));
        var digest = SignatureHeader.HashHeaders(headers, SignedNames(tags), new HeaderField(field.Name, withoutB));
        return key.Verify(digest, signature);
    }

    internal static string[] SignedNames(TagList tags) =>
        tags["h"]!.Split(':').Select(n => TagList.Compact(n).ToLowerInvariant()).ToArray();

    private static SignatureHeaderError? CheckProfile(TagList tags, IReadOnlyList<HeaderField> headers)
    {
        if (tags["v"] != "1")
        {
            return SignatureHeaderError.UnsupportedVersion;
        }

        if (!string.Equals(tags["a"], SignatureHeader.Algorithm, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureHeaderError.UnsupportedAlgorithm;
        }

        if (!string.Equals(tags["c"], SignatureHeader.Canonicalization, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureHeaderError.UnsupportedCanonicalization;
        }

        if (tags["q"] is { } q && !string.Equals(q, SignatureHeader.QueryMethod, StringComparison.OrdinalIgnoreCase))
        {
            return SignatureHeaderError.UnsupportedQueryMethod;
        }

        if (tags["l"] is not null)
        {
            return SignatureHeaderError.BodyLengthLimit;
        }

        var names = SignedNames(tags);
        if (!names.Contains("from"))
        {
            return SignatureHeaderError.FromNotSigned;
        }

        foreach (var name in SignatureHeader.OversignedFields)
        {
            if (names.Count(n => n == name) <= SignatureHeader.Count(headers, name))
            {
                return SignatureHeaderError.NotOversigned;
            }
        }

        return null;
    }

    private SignatureHeaderError? CheckTimes(TagList tags, DateTimeOffset signedAt)
    {
        var now = _options.TimeProvider.GetUtcNow();
        if (signedAt > now + _options.ClockSkew)
        {
            return SignatureHeaderError.InFuture;
        }

        if (tags["x"] is { } x)
        {
            if (!TryParseTime(x, out var expires) || expires < signedAt)
            {
                return SignatureHeaderError.Malformed;
            }

            if (expires + _options.ClockSkew < now)
            {
                return SignatureHeaderError.Expired;
            }
        }

        return null;
    }

    private SignatureHeaderError? CheckKey(SigningKeyRecord? record, KeyId kid, string signer, DateTimeOffset signedAt)
    {
        if (record is null || record.PublicKey.KeyId != kid)
        {
            return SignatureHeaderError.KeyUnknown;
        }

        if (!AddressCanonicalizer.TryCanonicalize(record.Address, out var owner) || owner != signer)
        {
            return SignatureHeaderError.KeyWrongAddress;
        }

        if (record.Revoked)
        {
            return SignatureHeaderError.KeyRevoked;
        }

        var skew = _options.ClockSkew;
        if (signedAt < record.NotBefore - skew || (record.NotAfter is { } notAfter && signedAt > notAfter + skew))
        {
            return SignatureHeaderError.KeyNotValidAtSigningTime;
        }

        return null;
    }

    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length is 0 or > 12 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        long seconds = long.Parse(text, CultureInfo.InvariantCulture);
        if (seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, bytes, out int n))
        {
            return false;
        }

        Array.Resize(ref bytes, n);
        return true;
    }

    private static SignatureHeaderResult Fail(SignatureHeaderError error) => new(SignatureHeaderStatus.Fail, error, null, null, null);
}
