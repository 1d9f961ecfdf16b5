using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MailFilter.Crypto.Interop;

// sodium/crypto_scalarmult_curve25519.h
internal static partial class Libsodium
{
    internal const int crypto_scalarmult_curve25519_BYTES = 32;
    internal const int crypto_scalarmult_curve25519_SCALARBYTES = 32;

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_scalarmult_curve25519_bytes();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_scalarmult_curve25519_scalarbytes();

    // Returns -1 when the result is all zero (a low-order point), which callers treat as a reject.
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_scalarmult_curve25519(
        Span<byte> q,
        SecureMemoryHandle n,
        ReadOnlySpan<byte> p);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_scalarmult_curve25519_base(
        Span<byte> q,
        SecureMemoryHandle n);
}
