namespace MailFilter.Mime;

/// <summary>
/// A streaming content decoder. Chunks may be cut anywhere (even one byte at a time): the decoder keeps whatever
/// state a split needs and the output is the same as for one call with all the input.
/// </summary>
public interface IMimeDecoder
{
    /// <summary>An upper bound on what <see cref="Decode"/> or <see cref="Flush"/> write for that much input.</summary>
    int GetMaxDecodedLength(int inputLength);

    /// <summary>Decodes one chunk and returns the number of bytes written to <paramref name="output"/>.</summary>
    int Decode(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>Signals the end of input: writes what was held back.</summary>
    int Flush(Span<byte> output);

    /// <summary>Forgets all state, to decode another input.</summary>
    void Reset();
}
