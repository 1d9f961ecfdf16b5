using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Messages;

namespace MailFilter.AuthServer.Registry;

/// <summary>
/// The query page's .eml upload (docs/registry.md §4.2): the query values the message carries, and whether its
/// signature verifies over the uploaded bytes (local senders: keys from this server), so that a changed body
/// reports as not matching.
/// </summary>
public static class UploadedMessage
{
    public static RegistryClaim Read(Stream message)
    {
        message.Position = 0;
        return RegistryClaim.Read(message);
    }

    /// <summary>True when the message's MailFilter-Signature verifies with the local key of its signer (the envelope binding is the registry's job).</summary>
    public static async Task<bool> SignatureVerifiesAsync(Stream message, KeyService keys, string recipient, CancellationToken cancellationToken)
    {
        var verifier = new InboundVerifier(new LocalKeys(keys));
        using var result = await verifier.VerifyAsync(message, new InboundRequest
        {
            MailFrom = string.Empty,
            Recipient = recipient,
            Unwrapper = new NoUnwrapper(),
            ReplayGuard = new MemoryReplayGuard(),
            CheckEnvelopeBinding = false,
        }, cancellationToken);
        return result.Verdict == InboundVerdict.Pass;
    }

    private sealed class LocalKeys(KeyService keys) : ISigningKeyResolver
    {
        public async ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken) =>
            await keys.GetByKidAsync(kid.ToString(), cancellationToken) is { Use: KeyUse.Sign } key ? AuthClient.KeyInfoConversions.ToSigningKeyRecord(key) : null;
    }

    /// <summary>The page never opens envelopes: an encrypted upload has no signature to show.</summary>
    private sealed class NoUnwrapper : IFileKeyUnwrapper
    {
        public ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<UnwrappedFileKey?>(null);
    }
}
