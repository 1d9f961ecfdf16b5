namespace MailFilter.Crypto.Signing;

/// <summary>Shape checks for to-be-signed inputs, for a signing service that must not sign arbitrary bytes.</summary>
public static class SigningInput
{
    /// <summary>Bytes in an envelope to-be-signed transcript.</summary>
    public const int EnvelopeLength = 141;

    /// <summary>Bytes in a signature-header digest.</summary>
    public const int SignatureHeaderLength = 32;

    /// <summary>The envelope transcript's domain-separation prefix, NUL included.</summary>
    public static ReadOnlySpan<byte> EnvelopePrefix => "mailfilter/v1 signed-message\0"u8;

    /// <summary>True if <paramref name="toBeSigned"/> has the shape <paramref name="purpose"/> requires.</summary>
    public static bool IsValid(SignaturePurpose purpose, ReadOnlySpan<byte> toBeSigned) => purpose switch
    {
        SignaturePurpose.Envelope => toBeSigned.Length == EnvelopeLength && toBeSigned.StartsWith(EnvelopePrefix),
        SignaturePurpose.SignatureHeader => toBeSigned.Length == SignatureHeaderLength,
        _ => false,
    };
}
