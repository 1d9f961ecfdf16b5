namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Receive step 13, which needs the MIME engine and so is the caller's: given the manifest and the
/// verified (not yet released) inner message, positioned at its start, decide whether the outer and
/// the inner From: both name the manifest sender.
/// </summary>
public delegate ValueTask<bool> FromCheck(EnvelopeManifest manifest, Stream innerMessage, CancellationToken cancellationToken);

/// <summary>One recipient's attempt to open an envelope.</summary>
public sealed class OpenRequest
{
    /// <summary>The local recipient's address (canonicalized before the manifest check of step 12).</summary>
    public required string RecipientAddress { get; init; }

    /// <summary>Unwraps the file key with the recipient's keys (mailfilter-authd in production).</summary>
    public required IFileKeyUnwrapper Unwrapper { get; init; }

    /// <summary>Step 13.</summary>
    public required FromCheck FromCheck { get; init; }
}
