namespace MailFilter.Mime;

/// <summary>7bit, 8bit, binary and unknown encodings: the content is the bytes (RFC 2045 §6.2).</summary>
public sealed class IdentityDecoder : IMimeDecoder
{
    public int GetMaxDecodedLength(int inputLength) => inputLength;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        input.CopyTo(output);
        return input.Length;
    }

    public int Flush(Span<byte> output) => 0;

    public void Reset()
    {
    }
}
