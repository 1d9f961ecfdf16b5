using System.Text;

namespace MailFilter.Milter;

/// <summary>
/// One header field in message form: the name, and the raw bytes after the colon exactly as they stand
/// in the message (leading whitespace kept, folds as CRLF + WSP). Headers the MTA sent keep their bytes;
/// headers a stage creates are built from a value string.
/// </summary>
public sealed class MessageHeader
{
    internal MessageHeader(string name, byte[] rawValue, int originalIndex)
    {
        Name = name;
        RawValue = rawValue;
        OriginalIndex = originalIndex;
        OriginalRawValue = rawValue;
    }

    public string Name { get; }

    /// <summary>The bytes after the colon, exactly (e.g. <c>" value\r\n\tcontinued"</c>).</summary>
    public byte[] RawValue { get; internal set; }

    /// <summary>The value unfolded, with the leading whitespace removed; UTF-8 when valid, else Latin-1.</summary>
    public string Value => Unfold(Wire.PayloadReader.Decode(RawValue));

    /// <summary>Position among the headers the MTA sent (0-based), or -1 for a header a stage added.</summary>
    internal int OriginalIndex { get; }

    internal byte[] OriginalRawValue { get; }

    internal bool IsOriginal => OriginalIndex >= 0;

    internal bool IsChanged => !ReferenceEquals(RawValue, OriginalRawValue) && !RawValue.AsSpan().SequenceEqual(OriginalRawValue);

    /// <summary>Creates a header a stage adds. <paramref name="value"/> is what follows "Name: "; a
    /// multi-line value must be folded (every line break followed by a space or tab).</summary>
    public static MessageHeader Create(string name, string value)
    {
        ValidateName(name);
        return new MessageHeader(name, EncodeValue(value), -1);
    }

    /// <summary>Writes <c>Name:value\r\n</c> in message form.</summary>
    public void WriteTo(Stream stream)
    {
        Span<byte> nameBytes = stackalloc byte[Name.Length];
        Encoding.ASCII.GetBytes(Name, nameBytes);
        stream.Write(nameBytes);
        stream.WriteByte((byte)':');
        stream.Write(RawValue);
        stream.Write("\r\n"u8);
    }

    public override string ToString() => $"{Name}:{Wire.PayloadReader.Decode(RawValue)}";

    internal static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (char c in name)
        {
            // RFC 5322 §3.6.8: ftext is printable US-ASCII except ':'.
            if (c is < '!' or > '~' or ':')
            {
                throw new ArgumentException($"header name \"{name}\" contains a character outside RFC 5322 ftext", nameof(name));
            }
        }
    }

    /// <summary>" " + value as UTF-8, every line break turned into CRLF. A line break that is not a fold
    /// (not followed by space or tab), a NUL or a bare CR throws: a stage must not be able to inject
    /// header lines or a body.</summary>
    internal static byte[] EncodeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 4);
        sb.Append(' ');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\0')
            {
                throw new ArgumentException("header value contains NUL", nameof(value));
            }

            if (c == '\r' || c == '\n')
            {
                if (c == '\r')
                {
                    if (i + 1 >= value.Length || value[i + 1] != '\n')
                    {
                        throw new ArgumentException("header value contains a bare CR", nameof(value));
                    }

                    i++;
                }

                if (i + 1 >= value.Length || (value[i + 1] != ' ' && value[i + 1] != '\t'))
                {
                    throw new ArgumentException("a line break in a header value must be a fold (followed by space or tab)", nameof(value));
                }

                sb.Append("\r\n");
                continue;
            }

            sb.Append(c);
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Unfold(string raw)
    {
        // RFC 5322 §2.2.3: unfolding removes the CRLF that precedes whitespace.
        string s = raw.Contains('\n', StringComparison.Ordinal)
            ? raw.Replace("\r\n", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal)
            : raw;
        return s.TrimStart(' ', '\t').TrimEnd('\r', '\n');
    }
}
