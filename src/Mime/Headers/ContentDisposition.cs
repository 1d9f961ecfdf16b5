namespace MailFilter.Mime;

/// <summary>A Content-Disposition value (RFC 2183): the disposition type and its parameters (RFC 2231 aware).</summary>
public sealed class ContentDisposition
{
    public const string Attachment = "attachment";
    public const string Inline = "inline";

    public ContentDisposition(string disposition)
    {
        ArgumentException.ThrowIfNullOrEmpty(disposition);
        if (!disposition.All(Rfc822Lexer.IsTokenChar))
        {
            throw new MimeFormatException(MimeFormatError.InvalidContentType, "A disposition type is an RFC 2045 token.");
        }

        Disposition = disposition.ToLowerInvariant();
        Parameters = new ParameterList();
    }

    private ContentDisposition(string disposition, ParameterList parameters)
    {
        Disposition = disposition;
        Parameters = parameters;
    }

    /// <summary>The disposition type, lower case; empty when the header had none.</summary>
    public string Disposition { get; }

    public ParameterList Parameters { get; }

    public bool IsAttachment => Disposition == Attachment;

    public bool IsInline => Disposition == Inline;

    /// <summary>The filename parameter, RFC 2231 and RFC 2047 decoded, trimmed.</summary>
    public string? FileName => Parameters["filename"] is { } name ? Rfc2047.DecodeText(name).Trim() : null;

    /// <summary>The size parameter (RFC 2183 §2.7), when it is a number.</summary>
    public long? Size => long.TryParse(Parameters["size"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    internal static ContentDisposition ParseLenient(string value)
    {
        var i = 0;
        Rfc822Lexer.SkipCfws(value, ref i);
        var type = Rfc822Lexer.ReadToken(value, ref i);
        return new ContentDisposition(type.ToLowerInvariant(), ParameterParser.Parse(value, i));
    }

    public static ContentDisposition Parse(string value)
    {
        var cd = ParseLenient(value);
        if (cd.Disposition.Length == 0)
        {
            throw new MimeFormatException(MimeFormatError.InvalidContentType, "The Content-Disposition has no type.");
        }

        return cd;
    }

    public override string ToString() => Disposition + ContentType.FormatParameters(Parameters);
}
