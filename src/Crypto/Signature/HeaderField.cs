namespace MailFilter.Crypto.Signature;

/// <summary>
/// A header field as the MIME engine or the milter holds it: the name, and the raw value, which is
/// every byte after the colon (leading space and folding line breaks included) without the final CRLF.
/// The crypto layer needs nothing else of the message's structure.
/// </summary>
public readonly record struct HeaderField(string Name, ReadOnlyMemory<byte> RawValue)
{
    /// <summary>A field from text; the value is encoded as UTF-8 (RFC 6532 allows UTF-8 in header values).</summary>
    public static HeaderField FromString(string name, string rawValue) =>
        new(name, System.Text.Encoding.UTF8.GetBytes(rawValue));

    /// <summary>The raw value decoded as UTF-8 (for display and tests).</summary>
    public string ValueAsString() => System.Text.Encoding.UTF8.GetString(RawValue.Span);

    /// <summary>True if this field's name is <paramref name="name"/>, compared as RFC 5322 does (ASCII, case-insensitive).</summary>
    public bool HasName(string name) => Name.AsSpan().TrimEnd(" \t").Equals(name, StringComparison.OrdinalIgnoreCase);
}
