namespace MailFilter.Filter.Milter.Stages;

/// <summary>SMTP DATA transparency (RFC 5321 §4.5.2): a "." at the start of a line is doubled; the data ends
/// with CRLF "." CRLF (a CRLF is added first when the message does not end with one). Streams in 64 KiB
/// blocks.</summary>
internal static class DotStuffing
{
    public static async Task CopyAsync(Stream source, Stream destination, CancellationToken ct)
    {
        var input = new byte[64 * 1024];
        var output = new byte[(input.Length * 2) + 8];
        bool lineStart = true;
        int n;
        while ((n = await source.ReadAsync(input, ct)) > 0)
        {
            int o = 0;
            for (int i = 0; i < n; i++)
            {
                byte b = input[i];
                if (lineStart && b == (byte)'.')
                {
                    output[o++] = (byte)'.';
                }

                output[o++] = b;
                lineStart = b == (byte)'\n';
            }

            await destination.WriteAsync(output.AsMemory(0, o), ct);
        }

        await destination.WriteAsync(lineStart ? ".\r\n"u8.ToArray() : "\r\n.\r\n"u8.ToArray(), ct);
    }
}
