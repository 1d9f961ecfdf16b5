using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MailFilter.Crypto.Interop;

/// <summary>
/// A block of libsodium guarded memory (<c>sodium_malloc</c>: guard pages, mlock, canary) that holds a
/// secret. <c>sodium_free</c> zeroes it on release, so a secret never lingers on the managed heap
/// or after disposal. Only the crypto assembly reads it, through <see cref="Lease"/>.
/// </summary>
internal sealed class SecureMemoryHandle : SafeHandle
{
    private int _length;

    // Used by the LibraryImport marshaller for sodium_malloc's return value.
    public SecureMemoryHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    public int Length => _length;

    public static SecureMemoryHandle Allocate(int length)
    {
        CryptoLibrary.EnsureInitialized();
        return AllocateUnchecked(length);
    }

    /// <summary>Allocates without the start-up self-test: for the self-test itself.</summary>
    public static SecureMemoryHandle AllocateUnchecked(int length)
    {
        Debug.Assert(length > 0);
        var memory = Libsodium.sodium_malloc((nuint)length);
        if (memory.IsInvalid)
        {
            memory.Dispose();
            throw new OutOfMemoryException("sodium_malloc failed (locked memory limit?)");
        }

        memory._length = length;
        return memory;
    }

    public static SecureMemoryHandle Import(ReadOnlySpan<byte> secret)
    {
        CryptoLibrary.EnsureInitialized();
        return ImportUnchecked(secret);
    }

    public static SecureMemoryHandle ImportUnchecked(ReadOnlySpan<byte> secret)
    {
        var memory = AllocateUnchecked(secret.Length);
        using var lease = memory.Lease();
        secret.CopyTo(lease.Span);
        return memory;
    }

    public static SecureMemoryHandle Random(int length)
    {
        var memory = Allocate(length);
        using var lease = memory.Lease();
        RandomNumberGenerator.Fill(lease.Span);
        return memory;
    }

    /// <summary>Pins the handle (AddRef) and exposes its bytes until the lease is disposed.</summary>
    public Lease Lease() => new(this);

    public void CopyTo(Span<byte> destination)
    {
        Debug.Assert(destination.Length == _length);
        using var lease = Lease();
        lease.Span.CopyTo(destination);
    }

    protected override bool ReleaseHandle()
    {
        // sodium_free zeroes the block before unmapping it.
        Libsodium.sodium_free(handle);
        return true;
    }

    internal unsafe Span<byte> DangerousGetSpan() => new((void*)handle, _length);
}
