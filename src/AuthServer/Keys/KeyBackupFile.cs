using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto;
using MailFilter.Crypto.Age;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Keys;

/// <summary>
/// The two encryptions of a key backup (docs/authd-api.md §5). To an age recipient: a plain age v1 file, so
/// `age -d -i identity.txt` opens it. To a passphrase:
/// <code>
/// "MFKEYBAK" (8) ‖ version 0x01 ‖ kdf 0x01 (Argon2id v1.3) ‖ iterations (u32) ‖ memory KiB (u32) ‖ salt (16) ‖ nonce (12)
/// ‖ ChaCha20-Poly1305(key = Argon2id(passphrase, salt) 32 bytes, aad = all the bytes before it, plaintext)
/// </code>
/// </summary>
public static class KeyBackupFile
{
    private const int HeaderSize = 8 + 1 + 1 + 4 + 4 + Argon2id.SaltSize + 12;
    private static ReadOnlySpan<byte> Magic => "MFKEYBAK"u8;
    private static ReadOnlySpan<byte> AgeMagic => "age-encryption.org/v1\n"u8;

    public static byte[] EncryptWithPassphrase(ReadOnlySpan<byte> plaintext, string passphrase, Argon2idParameters parameters)
    {
        var output = new byte[HeaderSize + plaintext.Length + 16];
        var header = output.AsSpan(0, HeaderSize);
        Magic.CopyTo(header);
        header[8] = 0x01;
        header[9] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(header[10..], (uint)parameters.Iterations);
        BinaryPrimitives.WriteUInt32BigEndian(header[14..], (uint)(parameters.MemoryBytes / 1024));
        RandomNumberGenerator.Fill(header[18..]);
        Span<byte> key = stackalloc byte[32];
        try
        {
            Argon2id.DeriveKey(Encoding.UTF8.GetBytes(passphrase), header.Slice(18, Argon2id.SaltSize), parameters, key);
            using var aead = new ChaCha20Poly1305(key);
            aead.Encrypt(header.Slice(18 + Argon2id.SaltSize, 12), plaintext, output.AsSpan(HeaderSize, plaintext.Length), output.AsSpan(HeaderSize + plaintext.Length), header);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return output;
    }

    public static async Task<byte[]> EncryptToRecipientsAsync(byte[] plaintext, IReadOnlyList<X25519PublicKey> recipients, CancellationToken cancellationToken)
    {
        using var input = new MemoryStream(plaintext, writable: false);
        using var output = new MemoryStream();
        await AgeFile.EncryptAsync(input, output, recipients, cancellationToken);
        return output.ToArray();
    }

    /// <summary>Opens either kind; the caller zeroes the result. Refuses with "bad-backup" (422) when the passphrase or identity is wrong or the file is damaged.</summary>
    public static async Task<byte[]> DecryptAsync(byte[] file, string? passphrase, string? identity, CancellationToken cancellationToken)
    {
        if (file.AsSpan().StartsWith(AgeMagic))
        {
            if (identity is null)
            {
                throw ApiException.BadRequest("this backup is encrypted to an age recipient: give the identity (--identity)");
            }

            X25519PrivateKey ageKey;
            try
            {
                ageKey = X25519PrivateKey.ImportAgeIdentity(identity.Trim());
            }
            catch (FormatException)
            {
                throw ApiException.BadRequest("the identity is not an age identity (AGE-SECRET-KEY-1...)");
            }

            using (ageKey)
            {
                using var input = new MemoryStream(file, writable: false);
                using var output = new MemoryStream();
                try
                {
                    await AgeFile.DecryptAsync(input, output, [ageKey], cancellationToken);
                }
                catch (EnvelopeException e)
                {
                    throw new ApiException(422, "bad-backup", $"the backup does not open with this identity ({e.Error})");
                }

                return output.ToArray();
            }
        }

        if (!file.AsSpan().StartsWith(Magic) || file.Length < HeaderSize + 16 || file[8] != 0x01 || file[9] != 0x01)
        {
            throw new ApiException(422, "bad-backup", "not a MailFilter key backup");
        }

        if (passphrase is null)
        {
            throw ApiException.BadRequest("this backup is encrypted to a passphrase: give it (--passphrase-file)");
        }

        var header = file.AsSpan(0, HeaderSize);
        var parameters = new Argon2idParameters(BinaryPrimitives.ReadUInt32BigEndian(header[10..]), BinaryPrimitives.ReadUInt32BigEndian(header[14..]) * 1024L);
        // A damaged or hostile header must not make authd spend minutes or gigabytes (libsodium's SENSITIVE is 1 GiB).
        if (parameters.Iterations is < 1 or > 64 || parameters.MemoryBytes is < 8 * 1024 or > 1L << 30)
        {
            throw new ApiException(422, "bad-backup", "the backup asks for an unreasonable Argon2id cost");
        }

        var plaintext = new byte[file.Length - HeaderSize - 16];
        Span<byte> key = stackalloc byte[32];
        try
        {
            Argon2id.DeriveKey(Encoding.UTF8.GetBytes(passphrase), header.Slice(18, Argon2id.SaltSize), parameters, key);
            using var aead = new ChaCha20Poly1305(key);
            aead.Decrypt(header.Slice(18 + Argon2id.SaltSize, 12), file.AsSpan(HeaderSize, plaintext.Length), file.AsSpan(file.Length - 16), plaintext, header);
            return plaintext;
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or ArgumentOutOfRangeException or InsufficientMemoryException)
        {
            throw new ApiException(422, "bad-backup", "the backup does not open with this passphrase (or it is damaged)");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
