namespace MailFilter.Crypto.Signing;

/// <summary>
/// What a signing request is for. mailfilter-authd signs only inputs of the declared shape
/// (<see cref="SigningInput.IsValid"/>): the two shapes cannot be confused, because Ed25519 signs the
/// bytes themselves and they differ in length and prefix.
/// </summary>
public enum SignaturePurpose
{
    /// <summary>The 141-byte to-be-signed transcript of an envelope (docs/envelope.md §5).</summary>
    Envelope = 1,

    /// <summary>The 32-byte SHA-256 of a MailFilter-Signature header's hash input (docs/signature-header.md §4).</summary>
    SignatureHeader = 2,
}
