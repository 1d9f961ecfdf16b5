using System.Text;
using MailFilter.AuthServer.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MailFilter.AuthServer.Web;

/// <summary>
/// A strict reader of <c>application/x-www-form-urlencoded</c> bodies (WHATWG URL §5.1): percent-decoded bytes must be
/// UTF-8 (the framework's reader leaves bad escapes as they are, so <c>%FF</c> would pass for text), at most
/// <see cref="MaxFields"/> fields of at most <see cref="MaxValueBytes"/> bytes. Sans-I/O: bytes in, fields or a 400 out.
/// </summary>
internal static class UrlEncodedForm
{
    public const int MaxFields = 32;
    public const int MaxValueBytes = 4096;

    private static readonly UTF8Encoding s_strict = new(false, throwOnInvalidBytes: true);

    public static FormCollection Parse(ReadOnlySpan<byte> body)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int count = 0;
        while (!body.IsEmpty)
        {
            int amp = body.IndexOf((byte)'&');
            var pair = amp < 0 ? body : body[..amp];
            body = amp < 0 ? [] : body[(amp + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (++count > MaxFields)
            {
                throw ApiException.BadRequest($"the form has more than {MaxFields} fields");
            }

            int eq = pair.IndexOf((byte)'=');
            var name = Decode(eq < 0 ? pair : pair[..eq], "a field name");
            var value = Decode(eq < 0 ? [] : pair[(eq + 1)..], name);
            if (!fields.TryGetValue(name, out var list))
            {
                fields[name] = list = [];
            }

            list.Add(value);
        }

        return new FormCollection(fields.ToDictionary(kv => kv.Key, kv => new StringValues([.. kv.Value]), StringComparer.Ordinal));
    }

    private static string Decode(ReadOnlySpan<byte> encoded, string field)
    {
        var bytes = new byte[encoded.Length];
        int n = 0;
        for (int i = 0; i < encoded.Length; i++)
        {
            byte b = encoded[i];
            if (b == (byte)'+')
            {
                bytes[n++] = (byte)' ';
            }
            else if (b == (byte)'%' && i + 2 < encoded.Length && IsHex(encoded[i + 1]) && IsHex(encoded[i + 2]))
            {
                bytes[n++] = (byte)((Hex(encoded[i + 1]) << 4) | Hex(encoded[i + 2]));
                i += 2;
            }
            else
            {
                bytes[n++] = b;
            }
        }

        if (n > MaxValueBytes)
        {
            throw ApiException.BadRequest($"{field}: longer than {MaxValueBytes} bytes");
        }

        try
        {
            return s_strict.GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            throw ApiException.BadRequest($"{field}: not UTF-8");
        }
    }

    private static bool IsHex(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F');

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
