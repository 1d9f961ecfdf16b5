using System.Text;

namespace MailFilter.Milter.Client;

/// <summary>
/// A message split the way an MTA hands it to a milter: header fields (name, value in message form) and
/// the body with CRLF line ends. Deliberately minimal (no MIME): the MTA side needs no more.
/// </summary>
public sealed class RawMessage
{
    private RawMessage(List<(string Name, byte[] Value)> headers, byte[] body)
    {
        Headers = headers;
        Body = body;
    }

    /// <summary>Header fields in order; values are the bytes after the colon with CRLF folds.</summary>
    public List<(string Name, byte[] Value)> Headers { get; }

    /// <summary>The body, CRLF line ends (as Postfix sends it).</summary>
    public byte[] Body { get; set; }

    /// <summary>Splits a message. Lines may end in CRLF or LF; a line that is neither a header nor a
    /// continuation ends the header block (as in Postfix, it starts the body).</summary>
    public static RawMessage Parse(ReadOnlySpan<byte> message)
    {
        var headers = new List<(string, byte[])>();
        int pos = 0;
        string? name = null;
        var value = new List<byte>();
        while (pos < message.Length)
        {
            int lf = message[pos..].IndexOf((byte)'\n');
            int end = lf < 0 ? message.Length : pos + lf;
            var line = message[pos..end];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                pos = lf < 0 ? message.Length : end + 1;
                break;
            }

            if ((line[0] == (byte)' ' || line[0] == (byte)'\t') && name is not null)
            {
                value.AddRange("\r\n"u8);
                value.AddRange(line);
                pos = lf < 0 ? message.Length : end + 1;
                continue;
            }

            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAny((byte)' ', (byte)'\t') >= 0)
            {
                break; // not a header: the body starts here
            }

            if (name is not null)
            {
                headers.Add((name, value.ToArray()));
            }

            name = Encoding.Latin1.GetString(line[..colon]);
            value.Clear();
            value.AddRange(line[(colon + 1)..]);
            pos = lf < 0 ? message.Length : end + 1;
        }

        if (name is not null)
        {
            headers.Add((name, value.ToArray()));
        }

        return new RawMessage(headers, ToCrlf(message[pos..]));
    }

    /// <summary>Writes the message: headers, blank line, body.</summary>
    public byte[] ToBytes()
    {
        using var ms = new MemoryStream();
        foreach (var (name, value) in Headers)
        {
            ms.Write(Encoding.Latin1.GetBytes(name));
            ms.WriteByte((byte)':');
            ms.Write(value);
            ms.Write("\r\n"u8);
        }

        ms.Write("\r\n"u8);
        ms.Write(Body);
        return ms.ToArray();
    }

    /// <summary>Message-form header value to wire form: folds as bare LF, as Postfix sends them.</summary>
    public static byte[] ToLfFolds(byte[] value)
    {
        if (Array.IndexOf(value, (byte)'\r') < 0)
        {
            return value;
        }

        var result = new List<byte>(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == (byte)'\r' && i + 1 < value.Length && value[i + 1] == (byte)'\n')
            {
                continue;
            }

            result.Add(value[i]);
        }

        return [.. result];
    }

    /// <summary>Every line end becomes CRLF; a last line without one gets it (what Postfix sends).</summary>
    public static byte[] ToCrlf(ReadOnlySpan<byte> text)
    {
        var result = new List<byte>(text.Length + text.Length / 40 + 2);
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == (byte)'\n' && (i == 0 || text[i - 1] != (byte)'\r'))
            {
                result.Add((byte)'\r');
            }

            result.Add(b);
        }

        if (result.Count > 0 && result[^1] != (byte)'\n')
        {
            result.Add((byte)'\r');
            result.Add((byte)'\n');
        }

        return [.. result];
    }
}
