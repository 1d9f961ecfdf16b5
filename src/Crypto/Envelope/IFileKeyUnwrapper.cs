namespace MailFilter.Crypto.Envelope;

/// <summary>
/// Unwraps an envelope's file key for one recipient. In mailfilterd this is a client of
/// mailfilter-authd's "unwrap a file key for a recipient" call (the private keys never leave authd);
/// in-process it is <see cref="X25519FileKeyUnwrapper"/>.
/// </summary>
public interface IFileKeyUnwrapper
{
    /// <summary>
    /// Returns the file key, or null if none of the recipient's keys opens any stanza. Throws
    /// <see cref="EnvelopeException"/> (ZeroSharedSecret) for a low-order share, as
    /// <see cref="UnwrapRequest.TryUnwrap"/> does.
    /// </summary>
    ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken);
}
