using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using MailFilter.AuthServer.Keys;

namespace MailFilter.AuthServer.Attachments;

/// <summary>
/// Encryption at rest of stored content (docs/attachments.md §3): a key per content, derived from the master key and
/// the content's SHA-256, and ChaCha20-Poly1305 (RFC 8439, as authd seals private keys) over 64 KiB chunks, so a
/// range is served by decrypting only the chunks it touches. Objects are named by a keyed hash of the SHA-256.
/// <code>
/// object  = header ‖ chunk_0 ‖ … ‖ chunk_{n-1}                      n = max(1, ⌈size / 65536⌉)
/// header  = "MFA1" ‖ uint32be(65536) ‖ uint64be(size)                 16 bytes, also the AEAD's associated data
/// chunk_i = ChaCha20-Poly1305(key, nonce_i, plaintext[65536·i, …), header) = ciphertext ‖ tag (16)
/// nonce_i = uint32be(1 if i = n-1 else 0) ‖ uint64be(i)
/// key     = HKDF-SHA256(ikm = K_att, salt = "", info = "mailfilter/v1 attachment-key" ‖ sha256, 32)
/// name    = hex(HMAC-SHA256(K_name, sha256))
/// K_att   = HKDF-SHA256(master, info "mailfilter/v1 attachment-content"), K_name = HKDF-SHA256(master, info "mailfilter/v1 attachment-name")
/// </code>
/// Identical content gives identical objects (that is what lets it be stored once); the per-content key makes each
/// (key, nonce) pair unique. The last-chunk flag and the size in the authenticated header refuse truncation and extension.
/// </summary>
public sealed class AttachmentCipher
{
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int HeaderSize = 16;
    public const int StoredChunkSize = ChunkSize + TagSize;

    /// <summary>Chunks per read or write of the store: about 1 MiB.</summary>
    private const int Batch = 16;

    private static readonly byte[] s_keyInfo = "mailfilter/v1 attachment-key"u8.ToArray();

    private readonly byte[] _contentRoot;
    private readonly byte[] _nameKey;

    public AttachmentCipher(MasterKey masterKey)
    {
        ArgumentNullException.ThrowIfNull(masterKey);
        _contentRoot = masterKey.AttachmentKey.ToArray();
        _nameKey = masterKey.AttachmentNameKey.ToArray();
    }

    /// <summary>"MFA1".</summary>
    private static ReadOnlySpan<byte> Magic => "MFA1"u8;

    public static long ChunkCount(long size) => Math.Max(1, (size + ChunkSize - 1) / ChunkSize);

    /// <summary>Bytes of the object that holds <paramref name="size"/> bytes of plaintext.</summary>
    public static long StoredSize(long size) => HeaderSize + size + (TagSize * ChunkCount(size));

    /// <summary>The object's name in the store: it does not reveal the SHA-256 without the master key.</summary>
    public string ObjectName(ReadOnlySpan<byte> sha256) => Convert.ToHexStringLower(HMACSHA256.HashData(_nameKey, sha256));

    public byte[] ContentKey(ReadOnlySpan<byte> sha256)
    {
        var info = new byte[s_keyInfo.Length + sha256.Length];
        s_keyInfo.CopyTo(info, 0);
        sha256.CopyTo(info.AsSpan(s_keyInfo.Length));
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _contentRoot, 32, [], info);
    }

    /// <summary>
    /// Reads exactly <paramref name="size"/> bytes from <paramref name="input"/>, hashing and encrypting them into
    /// <paramref name="output"/>. Throws <see cref="HashMismatchException"/> when their SHA-256 is not
    /// <paramref name="sha256"/> (the caller discards what was written) and <see cref="EndOfStreamException"/> when the input is short.
    /// </summary>
    public async Task EncryptAsync(ReadOnlyMemory<byte> sha256, Stream input, long size, Stream output, CancellationToken cancellationToken)
    {
        var header = Header(size);
        var key = ContentKey(sha256.Span);
        long chunks = ChunkCount(size);
        var plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var sealedBuffer = ArrayPool<byte>.Shared.Rent(Batch * StoredChunkSize);
        try
        {
            using var aead = new ChaCha20Poly1305(key);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await output.WriteAsync(header, cancellationToken);
            int filled = 0;
            for (long i = 0; i < chunks; i++)
            {
                int length = (int)Math.Min(ChunkSize, size - (i * ChunkSize));
                await input.ReadExactlyAsync(plain.AsMemory(0, length), cancellationToken);
                hash.AppendData(plain, 0, length);
                Seal(aead, header, i, i == chunks - 1, plain.AsSpan(0, length), sealedBuffer.AsSpan(filled, length + TagSize));
                filled += length + TagSize;
                if (filled > (Batch - 1) * StoredChunkSize || i == chunks - 1)
                {
                    await output.WriteAsync(sealedBuffer.AsMemory(0, filled), cancellationToken);
                    filled = 0;
                }
            }

            if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), sha256.Span))
            {
                throw new HashMismatchException();
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
            ArrayPool<byte>.Shared.Return(sealedBuffer);
        }
    }

    /// <summary>Where the chunks holding plaintext bytes [<paramref name="start"/>, <paramref name="end"/>] are in the object.</summary>
    public static (long Offset, long Length, long FirstChunk) StoredRange(long size, long start, long end)
    {
        long first = start / ChunkSize, last = Math.Max(first, end / ChunkSize);
        long offset = HeaderSize + (first * StoredChunkSize);
        long stop = Math.Min(StoredSize(size), HeaderSize + ((last + 1) * StoredChunkSize));
        return (offset, stop - offset, first);
    }

    /// <summary>
    /// Decrypts the chunks read from <paramref name="stored"/> (which starts at chunk <paramref name="firstChunk"/>, see
    /// <see cref="StoredRange"/>) and writes plaintext bytes [<paramref name="start"/>, <paramref name="end"/>] to
    /// <paramref name="output"/>. Throws <see cref="CryptographicException"/> when a chunk is not authentic (nothing of it is written).
    /// </summary>
    public async Task DecryptRangeAsync(ReadOnlyMemory<byte> sha256, long size, Stream stored, long firstChunk, long start, long end, Stream output, CancellationToken cancellationToken)
    {
        var header = Header(size);
        var key = ContentKey(sha256.Span);
        long chunks = ChunkCount(size);
        var sealedBuffer = ArrayPool<byte>.Shared.Rent(Batch * StoredChunkSize);
        var plain = ArrayPool<byte>.Shared.Rent(Batch * ChunkSize);
        try
        {
            using var aead = new ChaCha20Poly1305(key);
            long chunk = firstChunk;
            long lastChunk = Math.Min(chunks - 1, end / ChunkSize);
            long position = chunk * ChunkSize; // plaintext offset of the chunk
            while (chunk <= lastChunk)
            {
                int inBatch = (int)Math.Min(Batch, lastChunk - chunk + 1);
                long plainInBatch = Math.Min((long)inBatch * ChunkSize, size - position);
                int storedInBatch = (int)(plainInBatch + (inBatch * TagSize));
                await stored.ReadExactlyAsync(sealedBuffer.AsMemory(0, storedInBatch), cancellationToken);
                int read = 0, written = 0;
                for (int k = 0; k < inBatch; k++, chunk++)
                {
                    int length = (int)Math.Min(ChunkSize, size - (chunk * ChunkSize));
                    Open(aead, header, chunk, chunk == chunks - 1, sealedBuffer.AsSpan(read, length + TagSize), plain.AsSpan(written, length));
                    read += length + TagSize;
                    written += length;
                }

                int from = (int)Math.Max(0, start - position);
                int to = (int)Math.Min(written, end - position + 1);
                if (to > from)
                {
                    await output.WriteAsync(plain.AsMemory(from, to - from), cancellationToken);
                }

                position += written;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            ArrayPool<byte>.Shared.Return(sealedBuffer);
            ArrayPool<byte>.Shared.Return(plain, clearArray: true);
        }
    }

    private static byte[] Header(long size)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), ChunkSize);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), (ulong)size);
        return header;
    }

    private static void Seal(ChaCha20Poly1305 aead, byte[] header, long index, bool last, ReadOnlySpan<byte> plain, Span<byte> sealedChunk)
    {
        Span<byte> nonce = stackalloc byte[12];
        Nonce(nonce, index, last);
        aead.Encrypt(nonce, plain, sealedChunk[..plain.Length], sealedChunk[plain.Length..], header);
    }

    private static void Open(ChaCha20Poly1305 aead, byte[] header, long index, bool last, ReadOnlySpan<byte> sealedChunk, Span<byte> plain)
    {
        Span<byte> nonce = stackalloc byte[12];
        Nonce(nonce, index, last);
        aead.Decrypt(nonce, sealedChunk[..plain.Length], sealedChunk[plain.Length..], plain, header);
    }

    private static void Nonce(Span<byte> nonce, long index, bool last)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce, last ? 1u : 0u);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], (ulong)index);
    }
}

/// <summary>The uploaded bytes do not have the SHA-256 the upload named.</summary>
public sealed class HashMismatchException : Exception
{
    public HashMismatchException()
        : base("the content's SHA-256 is not the one named")
    {
    }

    public HashMismatchException(string message)
        : base(message)
    {
    }

    public HashMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
