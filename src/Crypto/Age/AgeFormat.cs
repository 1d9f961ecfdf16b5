using System.Security.Cryptography;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Age;

/// <summary>Constants and key schedule of age v1 (https://age-encryption.org/v1).</summary>
internal static class AgeFormat
{
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int EncryptedChunkSize = ChunkSize + TagSize;
    public const int NonceSize = 16;
    public const int MacSize = 32;
    public const int BodyLineLength = 64;

    public static ReadOnlySpan<byte> VersionLine => "age-encryption.org/v1"u8;

    public static ReadOnlySpan<byte> StanzaPrefix => "-> "u8;

    public static ReadOnlySpan<byte> MacPrefix => "---"u8;

    private static ReadOnlySpan<byte> HeaderInfo => "header"u8;

    private static ReadOnlySpan<byte> PayloadInfo => "payload"u8;

    /// <summary>HMAC-SHA-256(HKDF-SHA-256(file key, salt "", info "header"), header through "---").</summary>
    public static void ComputeMac(FileKey fileKey, ReadOnlySpan<byte> macInput, Span<byte> mac)
    {
        Span<byte> hmacKey = stackalloc byte[32];
        try
        {
            using (var lease = fileKey.Lease())
            {
                HKDF.DeriveKey(HashAlgorithmName.SHA256, lease.Span, hmacKey, salt: [], HeaderInfo);
            }

            HMACSHA256.HashData(hmacKey, macInput, mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }

    /// <summary>The STREAM key: HKDF-SHA-256(file key, salt = nonce, info "payload").</summary>
    public static ChaCha20Poly1305 CreatePayloadCipher(FileKey fileKey, ReadOnlySpan<byte> nonce)
    {
        Span<byte> key = stackalloc byte[32];
        try
        {
            using (var lease = fileKey.Lease())
            {
                HKDF.DeriveKey(HashAlgorithmName.SHA256, lease.Span, key, nonce, PayloadInfo);
            }

            return new ChaCha20Poly1305(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The chunk nonce: uint88_be(counter) ‖ (0x01 if last else 0x00).</summary>
    public static void ChunkNonce(ulong counter, bool last, Span<byte> nonce)
    {
        nonce.Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(nonce[3..11], counter);
        nonce[11] = last ? (byte)1 : (byte)0;
    }
}
