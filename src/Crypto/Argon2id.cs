using System.Security.Cryptography;
using System.Text;
using MailFilter.Crypto.Interop;

namespace MailFilter.Crypto;

/// <summary>
/// Argon2id (RFC 9106) through libsodium: password hashes for users (the PHC string form
/// <c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c>) and key derivation from an admin passphrase (backups).
/// </summary>
public static class Argon2id
{
    /// <summary>Bytes of salt for <see cref="DeriveKey"/>.</summary>
    public const int SaltSize = 16;

    /// <summary>Derives <paramref name="key"/> (16..64 bytes typical) from a passphrase and a 16-byte salt.</summary>
    public static void DeriveKey(ReadOnlySpan<byte> passphrase, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> key)
    {
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException("the salt is 16 bytes", nameof(salt));
        }

        if (key.Length < 16)
        {
            throw new ArgumentException("derive at least 16 bytes", nameof(key));
        }

        CheckParameters(parameters);
        int rc = Libsodium.crypto_pwhash_argon2id(
            key, (ulong)key.Length, passphrase, (ulong)passphrase.Length, salt,
            (ulong)parameters.Iterations, (nuint)parameters.MemoryBytes, Libsodium.crypto_pwhash_argon2id_ALG_ARGON2ID13);
        if (rc != 0)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new InsufficientMemoryException("crypto_pwhash_argon2id failed: not enough memory for the requested cost");
        }
    }

    /// <summary>Hashes a password into a self-describing string with a random salt.</summary>
    public static string HashPassword(string password, Argon2idParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(password);
        CheckParameters(parameters);
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        Span<byte> output = stackalloc byte[Libsodium.crypto_pwhash_argon2id_STRBYTES];
        try
        {
            if (Libsodium.crypto_pwhash_argon2id_str(output, passwordBytes, (ulong)passwordBytes.Length, (ulong)parameters.Iterations, (nuint)parameters.MemoryBytes) != 0)
            {
                throw new InsufficientMemoryException("crypto_pwhash_argon2id_str failed: not enough memory for the requested cost");
            }

            return Encoding.ASCII.GetString(output[..output.IndexOf((byte)0)]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>True if <paramref name="password"/> matches <paramref name="hash"/> (constant time in the library).</summary>
    public static bool VerifyPassword(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(password);
        CryptoLibrary.EnsureInitialized();
        if (!TryToCString(hash, out var hashBytes))
        {
            return false;
        }

        var passwordBytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Libsodium.crypto_pwhash_argon2id_str_verify(hashBytes, passwordBytes, (ulong)passwordBytes.Length) == 0;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>True if <paramref name="hash"/> was made with other parameters (or is not an Argon2id hash): rehash at the next login.</summary>
    public static bool NeedsRehash(string hash, Argon2idParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(hash);
        CheckParameters(parameters);
        return !TryToCString(hash, out var hashBytes)
            || Libsodium.crypto_pwhash_argon2id_str_needs_rehash(hashBytes, (ulong)parameters.Iterations, (nuint)parameters.MemoryBytes) != 0;
    }

    private static void CheckParameters(Argon2idParameters parameters)
    {
        CryptoLibrary.EnsureInitialized();
        if (parameters.Iterations < (long)Libsodium.crypto_pwhash_argon2id_opslimit_min()
            || parameters.MemoryBytes < (long)Libsodium.crypto_pwhash_argon2id_memlimit_min())
        {
            throw new ArgumentOutOfRangeException(nameof(parameters), "below libsodium's minimum Argon2id cost");
        }
    }

    // libsodium reads the hash as a NUL-terminated string of at most STRBYTES.
    private static bool TryToCString(string hash, out byte[] bytes)
    {
        bytes = new byte[Libsodium.crypto_pwhash_argon2id_STRBYTES];
        if (hash.Length >= bytes.Length || hash.Any(c => c is < (char)0x21 or > (char)0x7E))
        {
            return false;
        }

        Encoding.ASCII.GetBytes(hash, bytes);
        return true;
    }
}
