using System.Globalization;
using System.Security.Cryptography;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signing;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// Signs a message with a MailFilter-Signature header (docs/signature-header.md): DKIM syntax
/// (RFC 6376), ed25519-sha256 (RFC 8463), relaxed/relaxed, From/To/Cc/Subject over-signed, and bound
/// to the SMTP envelope by the <c>env=</c> tag. The private key is used only through
/// <see cref="IMessageSigner"/>, which signs the 32-byte header digest.
/// </summary>
public static class SignatureHeaderSigner
{
    /// <summary>
    /// Returns the header field to prepend to the message. <paramref name="headers"/> are the message's
    /// fields in order (top first); <paramref name="body"/> is the body after the blank line.
    /// </summary>
    public static Task<HeaderField> SignAsync(
        IReadOnlyList<HeaderField> headers, Stream body, SignatureHeaderRequest request, IMessageSigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signer);
        return SignCoreAsync(headers, body, request, signer, RandomNumberGenerator.GetBytes(EnvelopeBinding.SaltSize), cancellationToken);
    }

    internal static async Task<HeaderField> SignCoreAsync(
        IReadOnlyList<HeaderField> headers, Stream body, SignatureHeaderRequest request, IMessageSigner signer, byte[] salt, CancellationToken cancellationToken)
    {
        var sender = AddressCanonicalizer.Canonicalize(request.Sender);
        if (request.Timestamp.ToUnixTimeSeconds() < 0 || request.Lifetime is { Ticks: <= 0 })
        {
            throw new ArgumentException("Timestamp must follow 1970 and Lifetime must be positive", nameof(request));
        }

        var bodyHash = await RelaxedBodyHasher.HashAsync(body, cancellationToken).ConfigureAwait(false);
        var signedNames = SignatureHeader.SignedFieldNames(headers);
        long t = request.Timestamp.ToUnixTimeSeconds();

        var folder = new HeaderFolder(SignatureHeader.FieldName.Length);
        folder.Append(" ", "v=1");
        folder.Append("; ", "a=" + SignatureHeader.Algorithm);
        folder.Append("; ", "c=" + SignatureHeader.Canonicalization);
        folder.Append("; ", "d=" + sender[(sender.LastIndexOf('@') + 1)..]);
        folder.Append("; ", "i=" + DkimQuotedPrintable.Encode(sender));
        folder.Append("; ", "s=" + signer.PublicKey.KeyId);
        folder.Append("; ", "q=" + SignatureHeader.QueryMethod);
        folder.Append("; ", "t=" + t.ToString(CultureInfo.InvariantCulture));
        if (request.Lifetime is { } lifetime)
        {
            folder.Append("; ", "x=" + (t + (long)Math.Ceiling(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        folder.Append("; ", "h=" + signedNames[0]);
        foreach (var name in signedNames.Skip(1))
        {
            folder.Append(":", name);
        }

        var binding = EnvelopeBinding.Create(salt, request.MailFrom, request.Recipients).Split(' ');
        folder.Append("; ", EnvelopeBinding.TagName + "=" + binding[0]);
        foreach (var token in binding.Skip(1))
        {
            folder.Append(" ", token);
        }

        folder.Append("; ", "bh=" + Convert.ToBase64String(bodyHash));
        folder.Append("; ", "b=");
        var unsigned = folder.ToString();

        var digest = SignatureHeader.HashHeaders(headers, signedNames, HeaderField.FromString(SignatureHeader.FieldName, unsigned));
        var signature = await signer.SignAsync(SignaturePurpose.SignatureHeader, digest, cancellationToken).ConfigureAwait(false);
        if (!signer.PublicKey.Verify(digest, signature))
        {
            throw new CryptographicException("the signer returned a signature that does not verify under its public key");
        }

        folder.AppendBreakable(string.Empty, Convert.ToBase64String(signature));
        return HeaderField.FromString(SignatureHeader.FieldName, folder.ToString());
    }
}
