using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MailFilter.Crypto.Interop;

// sodium/crypto_pwhash_argon2id.h
internal static partial class Libsodium
{
    internal const int crypto_pwhash_argon2id_ALG_ARGON2ID13 = 2;
    internal const int crypto_pwhash_argon2id_SALTBYTES = 16;
    internal const int crypto_pwhash_argon2id_STRBYTES = 128;

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_pwhash_argon2id_alg_argon2id13();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_pwhash_argon2id_saltbytes();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_pwhash_argon2id_strbytes();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial ulong crypto_pwhash_argon2id_opslimit_min();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial nuint crypto_pwhash_argon2id_memlimit_min();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_pwhash_argon2id(
        Span<byte> @out,
        ulong outlen,
        ReadOnlySpan<byte> passwd,
        ulong passwdlen,
        ReadOnlySpan<byte> salt,
        ulong opslimit,
        nuint memlimit,
        int alg);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_pwhash_argon2id_str(
        Span<byte> @out,
        ReadOnlySpan<byte> passwd,
        ulong passwdlen,
        ulong opslimit,
        nuint memlimit);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_pwhash_argon2id_str_verify(
        ReadOnlySpan<byte> str,
        ReadOnlySpan<byte> passwd,
        ulong passwdlen);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int crypto_pwhash_argon2id_str_needs_rehash(
        ReadOnlySpan<byte> str,
        ulong opslimit,
        nuint memlimit);
}
