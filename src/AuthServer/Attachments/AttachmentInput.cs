using System.Text;
using System.Text.RegularExpressions;
using MailFilter.AuthServer.Endpoints;

namespace MailFilter.AuthServer.Attachments;

/// <summary>The limits on what the attachment API and the download path accept (docs/attachments.md §5, §7).</summary>
public static partial class AttachmentInput
{
    public const int MaxFileNameBytes = 255;
    public const int MaxRecipients = 1000;
    public const int MaxFiles = 100;
    public const int TokenLength = 43;
    public const int MaxContentType = 255;

    /// <summary>64 lowercase hex digits to 32 bytes; anything else is a 400.</summary>
    public static byte[] Sha256(string? text, string what = "sha256") =>
        TryParseSha256(text, out var bytes) ? bytes : throw ApiException.BadRequest($"{what} must be 64 lowercase hex digits (the SHA-256 of the content)");

    public static bool TryParseSha256(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is not { Length: 64 } || !text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return false;
        }

        bytes = Convert.FromHexString(text);
        return true;
    }

    /// <summary>Null if <paramref name="name"/> is a file name a link may carry: 1-255 bytes of UTF-8, no control characters, no '/' or '\\', not "." or "..", no surrounding spaces; else why not.</summary>
    public static string? FileNameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the file name is empty";
        }

        int bytes;
        try
        {
            bytes = new UTF8Encoding(false, true).GetByteCount(name);
        }
        catch (EncoderFallbackException)
        {
            return "the file name is not valid Unicode";
        }

        if (bytes > MaxFileNameBytes)
        {
            return $"the file name is longer than {MaxFileNameBytes} bytes of UTF-8";
        }

        if (name.Any(c => char.IsControl(c) || c is '/' or '\\' or '\u2028' or '\u2029'))
        {
            return "the file name contains a control character, '/' or '\\'";
        }

        if (name is "." or ".." || name.Trim() != name)
        {
            return "the file name is '.', '..' or has leading or trailing spaces";
        }

        return null;
    }

    public static string FileName(string? name) => FileNameProblem(name) is { } problem ? throw ApiException.BadRequest(problem) : name!;

    /// <summary>A media type (type/subtype with optional parameters), lower-cased type; default application/octet-stream.</summary>
    public static string ContentType(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "application/octet-stream";
        }

        value = value.Trim();
        if (value.Length > MaxContentType || !MediaType().IsMatch(value))
        {
            throw ApiException.BadRequest("contentType must be a media type like application/pdf (with optional parameters), at most 255 characters");
        }

        int semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? value.ToLowerInvariant() : value[..semicolon].ToLowerInvariant() + value[semicolon..];
    }

    /// <summary>The token of a link: exactly 43 characters of base64url (32 bytes); anything else is unknown.</summary>
    public static bool TryParseToken(ReadOnlySpan<char> text, Span<byte> token)
    {
        if (text.Length != TokenLength)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return System.Buffers.Text.Base64Url.TryDecodeFromChars(text, token, out int written) && written == 32;
    }

    [GeneratedRegex("""^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=([A-Za-z0-9!#$&^_.+-]+|"[^"\\\r\n]*"))*$""", RegexOptions.CultureInvariant)]
    private static partial Regex MediaType();
}
