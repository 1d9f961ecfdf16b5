using MailFilter.Crypto.Signing;

namespace MailFilter.AuthClient.Protocol;

/// <summary>The wire names of <see cref="SignaturePurpose"/>: "envelope" and "signature-header".</summary>
public static class SignaturePurposeNames
{
    public const string Envelope = "envelope";
    public const string SignatureHeader = "signature-header";

    public static string ToWire(SignaturePurpose purpose) => purpose switch
    {
        SignaturePurpose.Envelope => Envelope,
        SignaturePurpose.SignatureHeader => SignatureHeader,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    public static bool TryParse(string? text, out SignaturePurpose purpose)
    {
        (bool ok, purpose) = text switch
        {
            Envelope => (true, SignaturePurpose.Envelope),
            SignatureHeader => (true, SignaturePurpose.SignatureHeader),
            _ => (false, default(SignaturePurpose)),
        };
        return ok;
    }
}
