namespace MailFilter.Crypto;

/// <summary>Argon2id cost parameters (libsodium's crypto_pwhash_argon2id: one lane, version 1.3).</summary>
/// <param name="Iterations">Passes over memory (opslimit), at least 1.</param>
/// <param name="MemoryBytes">Memory in bytes (memlimit), at least 8 KiB.</param>
public readonly record struct Argon2idParameters(long Iterations, long MemoryBytes)
{
    /// <summary>libsodium's INTERACTIVE limits: 2 passes, 64 MiB (about 70 ms here). For logins.</summary>
    public static Argon2idParameters Interactive { get; } = new(2, 64L << 20);

    /// <summary>libsodium's MODERATE limits: 3 passes, 256 MiB (about 0.7 s here). For backup passphrases.</summary>
    public static Argon2idParameters Moderate { get; } = new(3, 256L << 20);

    /// <summary>libsodium's SENSITIVE limits: 4 passes, 1 GiB.</summary>
    public static Argon2idParameters Sensitive { get; } = new(4, 1L << 30);
}
