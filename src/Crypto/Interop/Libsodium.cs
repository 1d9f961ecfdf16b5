using System.Reflection;
using System.Runtime.InteropServices;

namespace MailFilter.Crypto.Interop;

/// <summary>
/// The libsodium entry points MailFilter uses, one file per libsodium header (NSec's layout). Nothing
/// outside this folder sees a native pointer: secrets travel as <see cref="SecureMemoryHandle"/>,
/// public data as spans.
/// </summary>
internal static partial class Libsodium
{
    internal const string LibraryName = "libsodium";

    // Debian 12 ships libsodium23 (1.0.18); Debian 13 ships libsodium26 (1.0.20). The unversioned
    // name only exists with libsodium-dev installed, so it comes last.
    internal static readonly string[] CandidateFileNames = ["libsodium.so.23", "libsodium.so.26", "libsodium.so"];

    // An explicit static constructor makes the type precise-init: the resolver is registered before
    // the first call into any import below (the generated stubs live in this class).
    static Libsodium()
    {
        NativeLibrary.SetDllImportResolver(typeof(Libsodium).Assembly, Resolve);
    }

    internal static string? LoadedFileName { get; private set; }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return 0;
        }

        foreach (var fileName in CandidateFileNames)
        {
            if (NativeLibrary.TryLoad(fileName, assembly, searchPath, out var handle))
            {
                LoadedFileName = fileName;
                return handle;
            }
        }

        return 0;
    }
}
