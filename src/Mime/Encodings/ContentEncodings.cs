namespace MailFilter.Mime;

/// <summary>Maps Content-Transfer-Encoding text to <see cref="ContentEncoding"/> and back.</summary>
public static class ContentEncodings
{
    /// <summary>Reads a field value: case-insensitive, surrounding whitespace and comments ignored; unknown values are <see cref="ContentEncoding.Default"/>.</summary>
    public static ContentEncoding Parse(string? value)
    {
        if (value is null)
        {
            return ContentEncoding.Default;
        }

        var i = 0;
        Rfc822Lexer.SkipCfws(value, ref i);
        var start = i;
        while (i < value.Length && !Rfc822Lexer.IsWhite(value[i]) && value[i] != '(' && value[i] != ';')
        {
            i++;
        }

        var token = value.AsSpan(start, i - start);
        return token switch
        {
            _ when token.Equals("base64", StringComparison.OrdinalIgnoreCase) => ContentEncoding.Base64,
            _ when token.Equals("quoted-printable", StringComparison.OrdinalIgnoreCase) => ContentEncoding.QuotedPrintable,
            _ when token.Equals("7bit", StringComparison.OrdinalIgnoreCase) => ContentEncoding.SevenBit,
            _ when token.Equals("8bit", StringComparison.OrdinalIgnoreCase) => ContentEncoding.EightBit,
            _ when token.Equals("binary", StringComparison.OrdinalIgnoreCase) => ContentEncoding.Binary,
            _ when token.Equals("x-uuencode", StringComparison.OrdinalIgnoreCase)
                || token.Equals("uuencode", StringComparison.OrdinalIgnoreCase)
                || token.Equals("x-uue", StringComparison.OrdinalIgnoreCase)
                || token.Equals("uue", StringComparison.OrdinalIgnoreCase) => ContentEncoding.UUEncode,
            _ => ContentEncoding.Default,
        };
    }

    /// <summary>The token to write in a Content-Transfer-Encoding field.</summary>
    public static string ToToken(ContentEncoding encoding) => encoding switch
    {
        ContentEncoding.SevenBit => "7bit",
        ContentEncoding.EightBit => "8bit",
        ContentEncoding.Binary => "binary",
        ContentEncoding.Base64 => "base64",
        ContentEncoding.QuotedPrintable => "quoted-printable",
        ContentEncoding.UUEncode => "x-uuencode",
        _ => "7bit",
    };
}
