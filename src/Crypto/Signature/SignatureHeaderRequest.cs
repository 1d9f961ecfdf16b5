namespace MailFilter.Crypto.Signature;

/// <summary>What a MailFilter-Signature header is made for: the signer and the SMTP envelope of this copy.</summary>
public sealed record SignatureHeaderRequest
{
    /// <summary>The sender's address (<c>i=</c>; its domain is <c>d=</c>): the owner of the signing key.</summary>
    public required string Sender { get; init; }

    /// <summary>The SMTP MAIL FROM of this copy; empty for the null reverse-path.</summary>
    public required string MailFrom { get; init; }

    /// <summary>
    /// The RCPT TO addresses of this copy. Bcc recipients each get their own copy and signature (as for
    /// envelopes), so no copy binds a recipient its readers should not learn of.
    /// </summary>
    public required IReadOnlyList<string> Recipients { get; init; }

    /// <summary>The signing time (<c>t=</c>).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>How long the signature is valid (<c>x=</c>); null for no expiry.</summary>
    public TimeSpan? Lifetime { get; init; }
}
