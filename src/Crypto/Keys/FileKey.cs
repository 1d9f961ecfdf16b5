using MailFilter.Crypto.Interop;

namespace MailFilter.Crypto.Keys;

/// <summary>
/// An age file key: 16 random bytes per envelope, in sodium guarded memory, zeroed on
/// <see cref="Dispose"/>. mailfilter-authd unwraps it for a recipient and sends it to mailfilterd,
/// which imports it here and streams the payload.
/// </summary>
public sealed class FileKey : IDisposable
{
    /// <summary>Bytes in a file key (age v1).</summary>
    public const int Size = 16;

    private readonly SecureMemoryHandle _key;

    private FileKey(SecureMemoryHandle key)
    {
        _key = key;
    }

    public static FileKey Generate() => new(SecureMemoryHandle.Random(Size));

    /// <summary>Imports 16 bytes (for example received from mailfilter-authd). The caller zeroes its copy.</summary>
    public static FileKey Import(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException("a file key is 16 bytes", nameof(key));
        }

        return new FileKey(SecureMemoryHandle.Import(key));
    }

    /// <summary>Writes the 16 bytes (to send them over the authd socket). The caller must zero the destination.</summary>
    public void Export(Span<byte> destination)
    {
        if (destination.Length != Size)
        {
            throw new ArgumentException("the destination must be 16 bytes", nameof(destination));
        }

        _key.CopyTo(destination);
    }

    public void Dispose() => _key.Dispose();

    internal Lease Lease() => _key.Lease();
}
