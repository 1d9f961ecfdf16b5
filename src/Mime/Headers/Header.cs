using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// One header field. A parsed field keeps its raw bytes (name, colon, folded value, line break) and is written
/// back unchanged; its value is decoded only when asked for. A field created through the API is formatted once,
/// in canonical form: "Name: value", folded before 78 characters where whitespace allows, CRLF.
/// </summary>
public sealed class Header
{
    private static readonly HashSet<string> s_structured = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc",
        "Resent-Bcc", "Date", "Resent-Date", "Message-ID", "Resent-Message-ID", "In-Reply-To", "References",
        "Received", "Return-Path", "MIME-Version", "Content-Type", "Content-Disposition", "Content-Transfer-Encoding",
        "Content-ID", "DKIM-Signature", "Authentication-Results", "ARC-Seal", "ARC-Message-Signature",
        "ARC-Authentication-Results", "Disposition-Notification-To",
    };

    private readonly byte[] _raw;
    private readonly int _valueStart;
    private string? _value;

    internal Header(byte[] raw, int colon)
    {
        _raw = raw;
        if (colon <= 0)
        {
            IsMalformed = true;
            Name = string.Empty;
            _valueStart = 0;
        }
        else
        {
            Name = Encoding.Latin1.GetString(raw, 0, colon);
            _valueStart = colon + 1;
        }
    }

    /// <summary>
    /// Creates a field. Unstructured values (Subject, Comments, X-...) that are not plain printable ASCII are RFC 2047
    /// encoded; structured values (addresses, Content-Type, ...) must already be in their wire syntax and may carry
    /// UTF-8 (RFC 6532). Line breaks in the value are refused: folding is the writer's job.
    /// </summary>
    public Header(string name, string value)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().ContainsAny('\r', '\n', '\0'))
        {
            throw new MimeFormatException(MimeFormatError.InvalidHeader, $"The value of {name} contains a line break or NUL.");
        }

        Name = name;
        var text = value.Trim(' ', '\t');
        if (!s_structured.Contains(name) && Rfc2047.NeedsEncoding(text))
        {
            text = Rfc2047.EncodeText(text, name.Length + 2);
        }

        _raw = Encoding.UTF8.GetBytes(HeaderFormatter.Fold(name, text));
        _valueStart = Encoding.UTF8.GetByteCount(name) + 1;
        IsCreated = true;
    }

    /// <summary>The field name as written (compare case-insensitively). Empty for a malformed line.</summary>
    public string Name { get; }

    /// <summary>A line in a header block that is not a field (kept only so the block round-trips).</summary>
    public bool IsMalformed { get; }

    /// <summary>True for a field made through the API rather than read from input.</summary>
    public bool IsCreated { get; }

    /// <summary>The exact bytes of the field, line break included.</summary>
    public ReadOnlySpan<byte> RawBytes => _raw;

    /// <summary>The bytes after the colon up to (not including) the final line break, folding included.</summary>
    public ReadOnlySpan<byte> RawValue => _raw.AsSpan(_valueStart, ValueEnd - _valueStart);

    /// <summary>The value unfolded and trimmed, 8-bit bytes read as UTF-8 or Latin-1; encoded words left as they are.</summary>
    public string Value => _value ??= HeaderText.Unfold(HeaderText.Decode(RawValue));

    /// <summary>The value with RFC 2047 encoded words decoded (for unstructured fields such as Subject).</summary>
    public string DecodedValue => Rfc2047.DecodeText(Value);

    /// <summary>The raw value as Latin-1 text, one char per byte: what the structured parsers read.</summary>
    internal string Latin1Value => Encoding.Latin1.GetString(RawValue);

    private int ValueEnd
    {
        get
        {
            var end = _raw.Length;
            if (end > _valueStart && _raw[end - 1] == (byte)'\n')
            {
                end--;
                if (end > _valueStart && _raw[end - 1] == (byte)'\r')
                {
                    end--;
                }
            }

            return end;
        }
    }

    public bool Is(string name) => !IsMalformed && string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>RFC 5322 §2.2 field name: printable US-ASCII except ':'.</summary>
    internal static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var c in name)
        {
            if (c is <= ' ' or > '~' or ':')
            {
                throw new MimeFormatException(MimeFormatError.InvalidHeader, $"'{name}' is not a valid header field name.");
            }
        }
    }

    public override string ToString() => IsMalformed ? Encoding.Latin1.GetString(_raw).TrimEnd('\r', '\n') : Name + ": " + Value;
}
