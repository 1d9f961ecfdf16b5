namespace MailFilter.Mime;

/// <summary>Writes new content in its transfer encoding, in canonical form (CRLF; base64 and QP lines of at most 76 characters).</summary>
internal static class ContentWriter
{
    public static void WriteEncoded(MimeContent content, Stream output, bool isText)
    {
        using var input = content.OpenRead();
        var buffer = new byte[64 * 1024];
        int n;
        switch (content.Encoding)
        {
            case ContentEncoding.Base64:
                var b64 = new Base64Encoder();
                while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    b64.Write(buffer.AsSpan(0, n), output);
                }

                b64.Finish(output);
                break;

            case ContentEncoding.QuotedPrintable:
                var qp = new QuotedPrintableEncoder(isText);
                while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    qp.Write(buffer.AsSpan(0, n), output);
                }

                qp.Finish(output);
                break;

            case ContentEncoding.Binary:
                input.CopyTo(output);
                break;

            default:
                // 7bit / 8bit are line-oriented (RFC 2045 §2.7, §2.8): bare LF becomes CRLF.
                var previousCr = false;
                while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    WriteCanonicalLines(buffer.AsSpan(0, n), output, ref previousCr);
                }

                break;
        }
    }

    private static void WriteCanonicalLines(ReadOnlySpan<byte> data, Stream output, ref bool previousCr)
    {
        var start = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '\n' && !(i > 0 ? data[i - 1] == '\r' : previousCr))
            {
                output.Write(data[start..i]);
                output.Write("\r\n"u8);
                start = i + 1;
            }
        }

        output.Write(data[start..]);
        previousCr = data.Length > 0 && data[^1] == '\r';
    }
}
