namespace MailFilter.Crypto.Age;

/// <summary>The I/O shell around <see cref="AgeHeaderParser"/>: reads a stream until the header is complete.</summary>
internal static class AgeHeaderReader
{
    /// <summary>
    /// Reads the header. The bytes read past it (the start of the payload) are returned as
    /// <c>Leftover</c> and must be handed to the payload reader.
    /// </summary>
    public static async Task<(AgeHeader Header, ReadOnlyMemory<byte> Leftover)> ReadAsync(
        Stream input, AgeLimits limits, CancellationToken cancellationToken)
    {
        var parser = new AgeHeaderParser(limits);
        var buffer = new byte[4096];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                // Grow, but never past the limit plus one read: the parser reports HeaderTooLarge.
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limits.MaxHeaderLength + 4096));
            }

            int read = await input.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            length += read;
            if (parser.TryParse(buffer.AsSpan(0, length), endOfInput: read == 0, out var header))
            {
                return (header!, buffer.AsMemory(header!.Bytes.Length, length - header.Bytes.Length));
            }
        }
    }
}
