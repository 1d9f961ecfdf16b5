using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;

namespace MailFilter.AuthClient;

/// <summary>
/// <see cref="IMessageSigner"/> for one sender address, signing inside mailfilter-authd. Made with
/// <see cref="CreateAsync"/>, which fetches the sender's current signing key (created on first use for a
/// local domain); every signature is then asked for with that kid, so a rotation in between fails the call
/// ("key-rotated") instead of producing a signature that does not match the manifest.
/// </summary>
public sealed class AuthdMessageSigner : IMessageSigner
{
    private readonly AuthdClient _client;
    private readonly string _address;
    private readonly string _kid;

    private AuthdMessageSigner(AuthdClient client, string address, Ed25519PublicKey publicKey)
    {
        _client = client;
        _address = address;
        PublicKey = publicKey;
        _kid = publicKey.KeyId.ToString();
    }

    public Ed25519PublicKey PublicKey { get; }

    /// <summary>The signer for <paramref name="address"/>. Throws <see cref="AuthdRequestException"/> ("no-key") if the address has no signing key and is not in a local domain.</summary>
    public static async Task<AuthdMessageSigner> CreateAsync(AuthdClient client, string address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = await client.GetCurrentKeyAsync(address, KeyUse.Sign, create: true, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthdRequestException("no-key", $"mailfilter-authd has no signing key for {address}", 404);
        return new AuthdMessageSigner(client, key.Address, KeyInfoConversions.ToEd25519(key));
    }

    public async ValueTask<byte[]> SignAsync(SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken)
    {
        if (!SigningInput.IsValid(purpose, toBeSigned.Span))
        {
            throw new ArgumentException($"not a {purpose} to-be-signed input", nameof(toBeSigned));
        }

        var reply = await _client.SignAsync(_address, _kid, purpose, toBeSigned, cancellationToken).ConfigureAwait(false);
        if (reply.Signature.Length != Ed25519PublicKey.SignatureSize || reply.Kid != _kid)
        {
            throw new AuthdUnavailableException("bad-reply", "mailfilter-authd answered with a signature of the wrong shape or key");
        }

        return reply.Signature;
    }
}
