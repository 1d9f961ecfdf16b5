using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Signing;

/// <summary>An <see cref="IMessageSigner"/> over a private key held in this process. It does not own the key.</summary>
public sealed class LocalMessageSigner(Ed25519PrivateKey privateKey) : IMessageSigner
{
    private readonly Ed25519PrivateKey _privateKey = privateKey ?? throw new ArgumentNullException(nameof(privateKey));

    public Ed25519PublicKey PublicKey => _privateKey.PublicKey;

    public ValueTask<byte[]> SignAsync(SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken)
    {
        if (!SigningInput.IsValid(purpose, toBeSigned.Span))
        {
            throw new ArgumentException($"not a {purpose} to-be-signed input", nameof(toBeSigned));
        }

        return ValueTask.FromResult(_privateKey.Sign(toBeSigned.Span));
    }
}
