namespace MailFilter.Mime;

/// <summary>Drops CR and LF: what undecodable base64 content reads as (its characters, without the line structure).</summary>
public sealed class LineBreakRemover : IMimeDecoder
{
    public int GetMaxDecodedLength(int inputLength) => inputLength;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var o = 0;
        foreach (var b in input)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
            {
                output[o++] = b;
            }
        }

        return o;
    }

    public int Flush(Span<byte> output) => 0;

    public void Reset()
    {
    }
}
