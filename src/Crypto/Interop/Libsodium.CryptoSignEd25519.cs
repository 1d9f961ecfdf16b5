using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MailFilter.Crypto.Interop;

// sodium/crypto_sign_ed25519.h
internal static partial class Libsodium
{
    internal const int crypto_sign_ed25519_BYTES = 64;
    internal const int crypto_sign_ed25519_PUBLICKEYBYTES = 32;
    internal const int crypto_sign_ed25519_SECRETKEYBYTES = 64;
    internal const int crypto_sign_ed25519_SEEDBYTES = 32;

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_sign_ed25519_bytes();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_sign_ed25519_publickeybytes();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_sign_ed25519_secretkeybytes();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_sign_ed25519_seedbytes();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_sign_ed25519_seed_keypair(
        Span<byte> pk,
        SecureMemoryHandle sk,
        SecureMemoryHandle seed);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_sign_ed25519_keypair(
        Span<byte> pk,
        SecureMemoryHandle sk);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_sign_ed25519_detached(
        Span<byte> sig,
        out ulong siglen,
        ReadOnlySpan<byte> m,
        ulong mlen,
        SecureMemoryHandle sk);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_sign_ed25519_verify_detached(
        ReadOnlySpan<byte> sig,
        ReadOnlySpan<byte> m,
        ulong mlen,
        ReadOnlySpan<byte> pk);
}
