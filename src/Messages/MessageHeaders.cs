using MailFilter.Crypto.Signature;

namespace MailFilter.Messages;

/// <summary>
/// Header fields as (name, raw value) in message form: writing them, and putting a message together from its
/// header fields and body stream without copying the body.
/// </summary>
public static class MessageHeaders
{
    /// <summary>Writes each field as <c>Name:RawValue CRLF</c> (the raw value keeps its leading space and folds).</summary>
    public static void Write(Stream output, IEnumerable<HeaderField> fields)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var field in fields)
        {
            output.Write(System.Text.Encoding.ASCII.GetBytes(field.Name));
            output.WriteByte((byte)':');
            output.Write(field.RawValue.Span);
            output.Write("\r\n"u8);
        }
    }

    /// <summary>The header block in bytes: the fields, then the blank line.</summary>
    public static byte[] ToBytes(IEnumerable<HeaderField> fields)
    {
        using var ms = new MemoryStream();
        Write(ms, fields);
        ms.Write("\r\n"u8);
        return ms.ToArray();
    }

    /// <summary>A read-only stream of the whole message: the header block, then <paramref name="body"/> from its
    /// current position (which must be seekable, so the length is known: the envelope's manifest needs it).</summary>
    public static ConcatenatedStream OpenMessage(IEnumerable<HeaderField> fields, Stream body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return new ConcatenatedStream(new MemoryStream(ToBytes(fields), writable: false), body);
    }
}
