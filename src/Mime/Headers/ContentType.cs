using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// A Content-Type value (RFC 2045 §5.1): media type, subtype and parameters. Parsing is lenient: comments,
/// folding, a missing ';' before a parameter and RFC 2231 values are handled; a value without a type/subtype pair
/// reads as text/plain (RFC 2045 §5.2), with <see cref="IsValid"/> false.
/// </summary>
public sealed class ContentType
{
    public ContentType(string mediaType, string mediaSubtype)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        ArgumentException.ThrowIfNullOrEmpty(mediaSubtype);
        if (!mediaType.All(Rfc822Lexer.IsTokenChar) || !mediaSubtype.All(Rfc822Lexer.IsTokenChar))
        {
            throw new MimeFormatException(MimeFormatError.InvalidContentType, "A media type and subtype are RFC 2045 tokens.");
        }

        MediaType = mediaType.ToLowerInvariant();
        MediaSubtype = mediaSubtype.ToLowerInvariant();
        Parameters = new ParameterList();
    }

    private ContentType(string mediaType, string mediaSubtype, ParameterList parameters, bool isValid)
    {
        MediaType = mediaType;
        MediaSubtype = mediaSubtype;
        Parameters = parameters;
        IsValid = isValid;
    }

    /// <summary>The type, lower case ("text").</summary>
    public string MediaType { get; }

    /// <summary>The subtype, lower case ("plain").</summary>
    public string MediaSubtype { get; }

    /// <summary>"type/subtype", lower case.</summary>
    public string MimeType => MediaType + "/" + MediaSubtype;

    public ParameterList Parameters { get; }

    /// <summary>False when the header was present but had no type/subtype pair (then this reads as text/plain).</summary>
    public bool IsValid { get; } = true;

    public string? Charset => Parameters["charset"]?.Trim();

    /// <summary>The boundary parameter, without trailing whitespace (RFC 2046 §5.1.1 bchars can not end in space).</summary>
    public string? Boundary => Parameters["boundary"]?.TrimEnd();

    /// <summary>The name parameter with RFC 2047 encoded words decoded (widespread, though RFC 2047 §5 does not allow them there).</summary>
    public string? Name => Parameters["name"] is { } name ? Rfc2047.DecodeText(name).Trim() : null;

    public bool IsMultipart => MediaType == "multipart";

    public bool Is(string mediaType, string mediaSubtype) =>
        string.Equals(MediaType, mediaType, StringComparison.OrdinalIgnoreCase)
        && (mediaSubtype == "*" || string.Equals(MediaSubtype, mediaSubtype, StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses a header value; throws <see cref="MimeFormatException"/> when it has no type/subtype.</summary>
    public static ContentType Parse(string value)
    {
        var ct = ParseLenient(value);
        if (!ct.IsValid)
        {
            throw new MimeFormatException(MimeFormatError.InvalidContentType, "The Content-Type has no type/subtype.");
        }

        return ct;
    }

    public static bool TryParse(string value, out ContentType contentType)
    {
        contentType = ParseLenient(value);
        return contentType.IsValid;
    }

    /// <summary>The RFC 2045 §5.2 default for an entity without a Content-Type.</summary>
    public static ContentType TextPlainDefault() => new("text", "plain", new ParameterList(), true);

    /// <summary>The RFC 2046 §5.1.5 default inside multipart/digest.</summary>
    public static ContentType MessageDefault() => new("message", "rfc822", new ParameterList(), true);

    /// <summary>Parses text in which each char is one raw byte (Latin-1) or already decoded text; never throws.</summary>
    internal static ContentType ParseLenient(string value)
    {
        var i = 0;
        Rfc822Lexer.SkipCfws(value, ref i);
        var type = Rfc822Lexer.ReadToken(value, ref i);
        Rfc822Lexer.SkipCfws(value, ref i);
        string subtype = string.Empty;
        if (i < value.Length && value[i] == '/')
        {
            i++;
            Rfc822Lexer.SkipCfws(value, ref i);
            subtype = Rfc822Lexer.ReadToken(value, ref i);
        }

        var parameters = ParameterParser.Parse(value, i);
        if (type.Length == 0 || subtype.Length == 0)
        {
            return new ContentType("text", "plain", parameters, false);
        }

        return new ContentType(type.ToLowerInvariant(), subtype.ToLowerInvariant(), parameters, true);
    }

    /// <summary>The header value to write: "type/subtype" then "; name=value" pieces (RFC 2231 for non-ASCII or long values).</summary>
    public override string ToString() => MimeType + FormatParameters(Parameters);

    internal static string FormatParameters(ParameterList parameters)
    {
        var sb = new StringBuilder();
        var pieces = new List<string>();
        foreach (var p in parameters)
        {
            ParameterFormatter.Format(p, pieces);
            foreach (var piece in pieces)
            {
                sb.Append("; ").Append(piece);
            }
        }

        return sb.ToString();
    }
}
