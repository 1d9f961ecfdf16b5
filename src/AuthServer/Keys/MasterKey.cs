using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace MailFilter.AuthServer.Keys;

/// <summary>
/// The master key that seals every private key at rest (docs/authd-api.md §6): 32 random bytes, stored as
/// one line of base64 in /etc/mailfilter/master.key, mode 0600. Nothing is sealed under the file's bytes
/// directly: HKDF-SHA-256 (RFC 5869) derives the sealing key and a check value that the database keeps, so
/// a wrong master key is refused at start instead of producing garbage keys.
/// </summary>
public sealed class MasterKey : IDisposable
{
    /// <summary>Bytes of key material in the file.</summary>
    public const int Size = 32;

    private static readonly byte[] s_sealInfo = "mailfilter/v1 key-seal"u8.ToArray();
    private static readonly byte[] s_checkInfo = "mailfilter/v1 master-key check"u8.ToArray();
    private static readonly byte[] s_attachmentInfo = "mailfilter/v1 attachment-content"u8.ToArray();
    private static readonly byte[] s_attachmentNameInfo = "mailfilter/v1 attachment-name"u8.ToArray();

    // Pinned so the GC never leaves copies behind; zeroed on Dispose.
    private readonly byte[] _sealKey = GC.AllocateArray<byte>(Size, pinned: true);
    private readonly byte[] _attachmentKey = GC.AllocateArray<byte>(Size, pinned: true);
    private readonly byte[] _attachmentNameKey = GC.AllocateArray<byte>(Size, pinned: true);

    private MasterKey(ReadOnlySpan<byte> material)
    {
        HKDF.DeriveKey(HashAlgorithmName.SHA256, material, _sealKey, [], s_sealInfo);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, material, _attachmentKey, [], s_attachmentInfo);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, material, _attachmentNameKey, [], s_attachmentNameInfo);
        CheckValue = HKDF.DeriveKey(HashAlgorithmName.SHA256, material.ToArray(), Size, [], s_checkInfo);
    }

    /// <summary>HKDF(master, info "mailfilter/v1 master-key check"): stored in the database on first start, compared on every later one. Reveals nothing about the sealing key.</summary>
    public byte[] CheckValue { get; }

    /// <summary>The first 8 bytes of the check value in hex: names the key in messages and status without revealing it.</summary>
    public string Fingerprint => Convert.ToHexStringLower(CheckValue.AsSpan(0, 8));

    /// <summary>The sealing key (ChaCha20-Poly1305), for <see cref="KeySealer"/> only.</summary>
    internal ReadOnlySpan<byte> SealKey => _sealKey;

    /// <summary>HKDF(master, info "mailfilter/v1 attachment-content"): the root of the per-content keys (docs/attachments.md §3).</summary>
    internal ReadOnlySpan<byte> AttachmentKey => _attachmentKey;

    /// <summary>HKDF(master, info "mailfilter/v1 attachment-name"): keys the hash that names stored objects.</summary>
    internal ReadOnlySpan<byte> AttachmentNameKey => _attachmentNameKey;

    /// <summary>
    /// Reads the master key file. Refuses a file that group or others may read or write (the private keys of
    /// every address depend on it), and anything that is not one line of base64 of 32 bytes.
    /// </summary>
    public static MasterKey Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new MasterKeyException($"master key {path} does not exist (create it with: mailfilter-authd --create-master-key)");
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode groupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & groupOrOthers) != 0)
        {
            throw new MasterKeyException(
                $"master key {path} is accessible by group or others (mode {MailFilter.Hosting.ConfigValue.FormatMode(mode)}): refusing to start; chmod 0600 {path}");
        }

        byte[] text = File.ReadAllBytes(path);
        Span<byte> material = stackalloc byte[Size];
        try
        {
            var line = Encoding.ASCII.GetString(text).Trim();
            if (!Convert.TryFromBase64String(line, material, out int written) || written != Size)
            {
                throw new MasterKeyException($"master key {path} is not one line of base64 of {Size} bytes");
            }

            return new MasterKey(material);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
            CryptographicOperations.ZeroMemory(text);
        }
    }

    /// <summary>Creates a new master key file, mode 0600; never overwrites an existing one.</summary>
    public static void Create(string path)
    {
        Span<byte> material = stackalloc byte[Size];
        RandomNumberGenerator.Fill(material);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            using var stream = new FileStream(path, options);
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(material) + "\n"));
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }

    /// <summary>For tests: a master key from raw material.</summary>
    internal static MasterKey FromMaterial(ReadOnlySpan<byte> material) =>
        material.Length == Size ? new MasterKey(material) : throw new ArgumentException("32 bytes", nameof(material));

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref _sealKey[0], _sealKey.Length));
        CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref _attachmentKey[0], _attachmentKey.Length));
        CryptographicOperations.ZeroMemory(MemoryMarshal.CreateSpan(ref _attachmentNameKey[0], _attachmentNameKey.Length));
    }
}
