using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Envelope;

/// <summary>An <see cref="IFileKeyUnwrapper"/> over private keys held in this process (tests, the CLI, authd itself). It does not own the keys.</summary>
public sealed class X25519FileKeyUnwrapper : IFileKeyUnwrapper
{
    private readonly X25519PrivateKey[] _keys;

    /// <summary>The recipient's keys, current first, then previous ones (for mail sealed before a rotation).</summary>
    public X25519FileKeyUnwrapper(params X25519PrivateKey[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Length == 0)
        {
            throw new ArgumentException("at least one key", nameof(keys));
        }

        _keys = keys;
    }

    public ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(request.TryUnwrap(_keys));
    }
}
