namespace MailFilter.Crypto.Signature;

/// <summary>The outcome of verifying a message's MailFilter-Signature headers.</summary>
public enum SignatureHeaderStatus
{
    /// <summary>The message carries no MailFilter-Signature header.</summary>
    None,
    /// <summary>A signature verified and binds this delivery.</summary>
    Pass,
    /// <summary>Signatures are present and none verified.</summary>
    Fail,
}
