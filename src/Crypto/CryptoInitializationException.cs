namespace MailFilter.Crypto;

/// <summary>libsodium is missing, too old, or failed its start-up self-test. Nothing cryptographic can run.</summary>
public sealed class CryptoInitializationException : Exception
{
    public CryptoInitializationException()
        : base("the crypto library could not be initialized")
    {
    }

    public CryptoInitializationException(string message)
        : base(message)
    {
    }

    public CryptoInitializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
