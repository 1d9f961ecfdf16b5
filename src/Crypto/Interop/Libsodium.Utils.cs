using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MailFilter.Crypto.Interop;

// sodium/utils.h: guarded heap allocations that are locked in memory and zeroed on free.
internal static partial class Libsodium
{
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial SecureMemoryHandle sodium_malloc(nuint size);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void sodium_free(nint ptr);
}
