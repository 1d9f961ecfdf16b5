using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MailFilter.Crypto.Interop;

// sodium/core.h and sodium/version.h
internal static partial class Libsodium
{
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int sodium_init();

    [LibraryImport(LibraryName, EntryPoint = "sodium_version_string")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial nint sodium_version_string_native();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int sodium_library_version_major();

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int sodium_library_version_minor();

    // The string is static in the library: it must not be freed, so it is read here rather than
    // through a string marshaller (which would free it).
    internal static string sodium_version_string() =>
        Marshal.PtrToStringUTF8(sodium_version_string_native()) ?? string.Empty;
}
