namespace MailFilter.Crypto.Signature;

/// <summary>Why a MailFilter-Signature header did not verify (docs/signature-header.md §6), in the order the checks run.</summary>
public enum SignatureHeaderError
{
    /// <summary>The tag list breaks RFC 6376 §3.2 syntax, or a tag value its own syntax.</summary>
    Malformed = 1,
    /// <summary>A tag the profile requires (v a b bh c d h i s t env) is missing.</summary>
    MissingTag,
    /// <summary><c>v=</c> is not 1.</summary>
    UnsupportedVersion,
    /// <summary><c>a=</c> is not ed25519-sha256.</summary>
    UnsupportedAlgorithm,
    /// <summary><c>c=</c> is not relaxed/relaxed.</summary>
    UnsupportedCanonicalization,
    /// <summary><c>q=</c> is present and not x-mailfilter.</summary>
    UnsupportedQueryMethod,
    /// <summary>An <c>l=</c> tag: the profile forbids body length limits.</summary>
    BodyLengthLimit,
    /// <summary>The domain of <c>i=</c> is not <c>d=</c>.</summary>
    DomainMismatch,
    /// <summary><c>h=</c> does not name From.</summary>
    FromNotSigned,
    /// <summary><c>h=</c> names From, To, Cc or Subject no more often than the header occurs, so a copy could be added.</summary>
    NotOversigned,
    /// <summary><c>t=</c> is later than now plus the clock skew.</summary>
    InFuture,
    /// <summary><c>x=</c> has passed (plus the clock skew).</summary>
    Expired,
    /// <summary>No signing key with the kid in <c>s=</c>.</summary>
    KeyUnknown,
    /// <summary>The key belongs to another address than <c>i=</c>.</summary>
    KeyWrongAddress,
    /// <summary>The key is revoked.</summary>
    KeyRevoked,
    /// <summary>The key was not valid at <c>t=</c>.</summary>
    KeyNotValidAtSigningTime,
    /// <summary>The relaxed body hash differs from <c>bh=</c>.</summary>
    BodyHashMismatch,
    /// <summary>The Ed25519 signature in <c>b=</c> does not verify.</summary>
    SignatureInvalid,
    /// <summary>The delivery's MAIL FROM is not the one signed.</summary>
    EnvelopeSenderMismatch,
    /// <summary>The delivery's recipient is not among those signed.</summary>
    EnvelopeRecipientMismatch,
}
