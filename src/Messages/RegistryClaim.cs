using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Signature;
using MailFilter.Mime;

namespace MailFilter.Messages;

/// <summary>
/// What a message says about its registration (docs/registry.md §5): the stamps <c>X-Registered</c> and
/// <c>X-Confirmation-No</c>, and the values a registry query needs (sender, date, signature) as the message carries
/// them. Read only; nothing here is trusted: the registry decides.
/// </summary>
public sealed record RegistryClaim
{
    public const string RegisteredField = "X-Registered";
    public const string ConfirmationNoField = "X-Confirmation-No";

    /// <summary>True when the message is stamped <c>X-Registered: Yes</c> (once; several stamps make the claim incomplete).</summary>
    public bool ClaimsRegistered { get; init; }

    /// <summary>Why the claim cannot be checked as it stands (several stamps, a missing value); null when complete.</summary>
    public string? Incomplete { get; init; }

    /// <summary>The single From: address, canonical.</summary>
    public string? Sender { get; init; }

    /// <summary>The single To: address when there is exactly one (the query page's default recipient).</summary>
    public string? SingleTo { get; init; }

    /// <summary>The Date: value as written.</summary>
    public string? Date { get; init; }

    public string? ConfirmationNo { get; init; }

    /// <summary>The top MailFilter-Signature's <c>b=</c> as 128 lower-case hex characters.</summary>
    public string? Signature { get; init; }

    /// <summary>Reads the claim of a whole message (headers only are parsed).</summary>
    public static RegistryClaim Read(Stream message)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var parsed = MimeMessage.Load(message, MessageLayout.HeaderOptions);
        return Read(parsed);
    }

    public static RegistryClaim Read(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stamps = message.Headers.FindAll(RegisteredField).ToList();
        var numbers = message.Headers.FindAll(ConfirmationNoField).ToList();
        bool claims = stamps.Any(h => h.Value.Trim().Equals("yes", StringComparison.OrdinalIgnoreCase));
        string? signature = null;
        if (message.Headers.Find(SignatureHeader.FieldName) is { } field && SignatureHeaderValue.TryGetSignature(field.RawValue, out var bytes))
        {
            signature = Convert.ToHexStringLower(bytes);
        }

        var sender = MessageLayout.SingleFrom(message);
        var dates = message.Headers.FindAll("Date").ToList();
        string? incomplete = stamps.Count > 1 || numbers.Count > 1 ? "several registration stamps"
            : numbers.Count == 0 ? "no X-Confirmation-No"
            : signature is null ? "no MailFilter-Signature"
            : sender is null ? "no single From address"
            : dates.Count != 1 ? "no single Date"
            : null;
        string? singleTo = null;
        if (message.Headers.FindAll("To").Count() == 1 && message.To is [MailboxAddress to] && AddressCanonicalizer.TryCanonicalize(to.Address, out var canonicalTo))
        {
            singleTo = canonicalTo;
        }

        return new RegistryClaim
        {
            ClaimsRegistered = claims,
            Incomplete = incomplete,
            Sender = sender,
            SingleTo = singleTo,
            Date = dates.Count == 1 ? dates[0].Value.Trim() : null,
            ConfirmationNo = numbers.Count == 1 ? numbers[0].Value.Trim() : null,
            Signature = signature,
        };
    }
}
