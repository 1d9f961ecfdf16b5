using System.Security.Cryptography;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthClient;

/// <summary>
/// <see cref="IFileKeyUnwrapper"/> for one recipient address: the stanzas go to mailfilter-authd, which tries
/// the recipient's current and previous keys and sends back only the 16-byte file key.
/// </summary>
public sealed class AuthdFileKeyUnwrapper(AuthdClient client, string recipientAddress) : IFileKeyUnwrapper
{
    private readonly AuthdClient _client = client ?? throw new ArgumentNullException(nameof(client));
    private readonly string _address = recipientAddress ?? throw new ArgumentNullException(nameof(recipientAddress));

    public async ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Protocol.UnwrapResponse reply;
        try
        {
            reply = await _client.UnwrapAsync(_address, request, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthdRequestException e) when (e.ErrorCode == "zero-shared-secret")
        {
            // The same refusal as the in-process unwrapper (docs/envelope.md §6 step 4).
            throw new EnvelopeException(EnvelopeError.ZeroSharedSecret);
        }

        if (reply.FileKey is not { } bytes)
        {
            return null;
        }

        try
        {
            if (bytes.Length != FileKey.Size || reply.Kid is null || !KeyId.TryParse(reply.Kid, out var kid) || reply.Stanza is not int index
                || index < 0 || index >= request.Stanzas.Count)
            {
                throw new AuthdUnavailableException("bad-reply", "mailfilter-authd answered the unwrap with a malformed file key");
            }

            return new UnwrappedFileKey(FileKey.Import(bytes), kid, index);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
