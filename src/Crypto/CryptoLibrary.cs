using System.Security.Cryptography;
using MailFilter.Crypto.Interop;

namespace MailFilter.Crypto;

/// <summary>
/// Loads libsodium and proves it works before any key is touched. Daemons call
/// <see cref="EnsureInitialized"/> at start-up so a missing or wrong library stops them with a clear
/// message instead of failing on the first message; every key type also calls it.
/// </summary>
public static class CryptoLibrary
{
    private static readonly Lock s_lock = new();
    private static volatile bool s_initialized;
    private static string s_libsodiumVersion = string.Empty;

    /// <summary>The libsodium version string, for example "1.0.18" (after initialization).</summary>
    public static string LibsodiumVersion
    {
        get
        {
            EnsureInitialized();
            return s_libsodiumVersion;
        }
    }

    /// <summary>The file name libsodium was loaded from, for example "libsodium.so.23".</summary>
    public static string LibsodiumFileName
    {
        get
        {
            EnsureInitialized();
            return Libsodium.LoadedFileName ?? Libsodium.LibraryName;
        }
    }

    /// <summary>
    /// Loads libsodium (libsodium.so.23, then .26, then libsodium.so), runs sodium_init, and checks the
    /// version, the primitive sizes and one known answer per primitive.
    /// </summary>
    /// <exception cref="CryptoInitializationException">Any check fails.</exception>
    public static void EnsureInitialized()
    {
        if (s_initialized)
        {
            return;
        }

        lock (s_lock)
        {
            if (s_initialized)
            {
                return;
            }

            s_libsodiumVersion = SelfTest.Run();
            s_initialized = true;
        }
    }

    private static class SelfTest
    {
        // RFC 8032 §7.1 TEST 1 and RFC 7748 §6.1 (Alice): one known answer per native primitive.
        private static readonly byte[] s_ed25519Seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        private static readonly byte[] s_ed25519PublicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        private static readonly byte[] s_ed25519Signature = Convert.FromHexString(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        private static readonly byte[] s_x25519Scalar = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        private static readonly byte[] s_x25519PublicKey = Convert.FromHexString("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");

        public static string Run()
        {
            string version;
            try
            {
                if (Libsodium.sodium_init() < 0)
                {
                    Fail("sodium_init() failed");
                }

                version = Libsodium.sodium_version_string();
            }
            catch (DllNotFoundException e)
            {
                throw new CryptoInitializationException(
                    $"libsodium not found (tried {string.Join(", ", Libsodium.CandidateFileNames)}): install the libsodium23 package", e);
            }
            catch (EntryPointNotFoundException e)
            {
                throw new CryptoInitializationException("the loaded libsodium lacks an expected function: " + e.Message, e);
            }

            // 1.0.18 is library version 10.3; older builds lack argon2id's crypto_pwhash_argon2id_* API.
            int major = Libsodium.sodium_library_version_major();
            int minor = Libsodium.sodium_library_version_minor();
            if (major < 10 || (major == 10 && minor < 3))
            {
                Fail($"libsodium {version} (library {major}.{minor}) is older than 1.0.18");
            }

            Expect("crypto_sign_ed25519_bytes", Libsodium.crypto_sign_ed25519_bytes(), Libsodium.crypto_sign_ed25519_BYTES);
            Expect("crypto_sign_ed25519_publickeybytes", Libsodium.crypto_sign_ed25519_publickeybytes(), Libsodium.crypto_sign_ed25519_PUBLICKEYBYTES);
            Expect("crypto_sign_ed25519_secretkeybytes", Libsodium.crypto_sign_ed25519_secretkeybytes(), Libsodium.crypto_sign_ed25519_SECRETKEYBYTES);
            Expect("crypto_sign_ed25519_seedbytes", Libsodium.crypto_sign_ed25519_seedbytes(), Libsodium.crypto_sign_ed25519_SEEDBYTES);
            Expect("crypto_scalarmult_curve25519_bytes", Libsodium.crypto_scalarmult_curve25519_bytes(), Libsodium.crypto_scalarmult_curve25519_BYTES);
            Expect("crypto_scalarmult_curve25519_scalarbytes", Libsodium.crypto_scalarmult_curve25519_scalarbytes(), Libsodium.crypto_scalarmult_curve25519_SCALARBYTES);
            Expect("crypto_pwhash_argon2id_saltbytes", Libsodium.crypto_pwhash_argon2id_saltbytes(), Libsodium.crypto_pwhash_argon2id_SALTBYTES);
            Expect("crypto_pwhash_argon2id_strbytes", Libsodium.crypto_pwhash_argon2id_strbytes(), Libsodium.crypto_pwhash_argon2id_STRBYTES);
            if (Libsodium.crypto_pwhash_argon2id_alg_argon2id13() != Libsodium.crypto_pwhash_argon2id_ALG_ARGON2ID13)
            {
                Fail("crypto_pwhash_argon2id_alg_argon2id13 has an unexpected value");
            }

            if (!ChaCha20Poly1305.IsSupported)
            {
                Fail(".NET reports ChaCha20-Poly1305 unsupported (OpenSSL 1.1 or later is required)");
            }

            CheckEd25519();
            CheckX25519();
            return version;
        }

        private static void CheckEd25519()
        {
            using var seed = SecureMemoryHandle.ImportUnchecked(s_ed25519Seed);
            using var secretKey = AllocateRaw(Libsodium.crypto_sign_ed25519_SECRETKEYBYTES);
            Span<byte> publicKey = stackalloc byte[Libsodium.crypto_sign_ed25519_PUBLICKEYBYTES];
            Span<byte> signature = stackalloc byte[Libsodium.crypto_sign_ed25519_BYTES];
            if (Libsodium.crypto_sign_ed25519_seed_keypair(publicKey, secretKey, seed) != 0
                || !publicKey.SequenceEqual(s_ed25519PublicKey)
                || Libsodium.crypto_sign_ed25519_detached(signature, out _, [], 0, secretKey) != 0
                || !signature.SequenceEqual(s_ed25519Signature)
                || Libsodium.crypto_sign_ed25519_verify_detached(signature, [], 0, publicKey) != 0)
            {
                Fail("Ed25519 does not reproduce RFC 8032 §7.1 TEST 1");
            }
        }

        private static void CheckX25519()
        {
            using var scalar = SecureMemoryHandle.ImportUnchecked(s_x25519Scalar);
            Span<byte> publicKey = stackalloc byte[Libsodium.crypto_scalarmult_curve25519_BYTES];
            if (Libsodium.crypto_scalarmult_curve25519_base(publicKey, scalar) != 0 || !publicKey.SequenceEqual(s_x25519PublicKey))
            {
                Fail("X25519 does not reproduce RFC 7748 §6.1");
            }

            // The all-zero point has order 1: the shared secret is zero and must be refused.
            Span<byte> shared = stackalloc byte[Libsodium.crypto_scalarmult_curve25519_BYTES];
            if (Libsodium.crypto_scalarmult_curve25519(shared, scalar, new byte[32]) == 0)
            {
                Fail("crypto_scalarmult_curve25519 accepted a low-order point");
            }
        }

        // The self-test runs before initialization completes, so it cannot use
        // SecureMemoryHandle.Allocate (which calls EnsureInitialized).
        private static SecureMemoryHandle AllocateRaw(int length) => SecureMemoryHandle.AllocateUnchecked(length);

        private static void Expect(string name, nuint actual, int expected)
        {
            if (actual != (nuint)expected)
            {
                Fail($"{name}() = {actual}, expected {expected}");
            }
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        private static void Fail(string message) =>
            throw new CryptoInitializationException("libsodium self-test failed: " + message);
    }
}
