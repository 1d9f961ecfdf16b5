using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// The verdict on a message's signature header, with what an Authentication-Results line needs. A pass
/// proves the signer is <see cref="Signer"/>; the caller still compares it with the From: address
/// (its MIME engine parses From).
/// </summary>
public sealed class SignatureHeaderResult
{
    internal SignatureHeaderResult(SignatureHeaderStatus status, SignatureHeaderError? error, string? signer, KeyId? kid, DateTimeOffset? signedAt)
    {
        Status = status;
        Error = error;
        Signer = signer;
        Kid = kid;
        SignedAt = signedAt;
    }

    public SignatureHeaderStatus Status { get; }

    /// <summary>Why the (first) signature failed; null unless <see cref="Status"/> is Fail.</summary>
    public SignatureHeaderError? Error { get; }

    /// <summary>The signer's canonical address (<c>i=</c>), when it could be read.</summary>
    public string? Signer { get; }

    /// <summary>The signing key's kid (<c>s=</c>), when it could be read.</summary>
    public KeyId? Kid { get; }

    /// <summary>The signing time (<c>t=</c>), when it could be read.</summary>
    public DateTimeOffset? SignedAt { get; }

    internal static SignatureHeaderResult None { get; } = new(SignatureHeaderStatus.None, null, null, null, null);
}
