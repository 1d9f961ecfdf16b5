namespace MailFilter.Mime;

/// <summary>
/// uuencode (Content-Transfer-Encoding x-uuencode): lines before "begin mode name" are skipped, each line after
/// it carries its length in its first character, "end" stops. Line-oriented, so a partial line is held back.
/// </summary>
public sealed class UUDecoder : IMimeDecoder
{
    private readonly List<byte> _line = [];
    private State _state;

    private enum State : byte
    {
        BeforeBegin,
        Data,
        Done,
    }

    public int GetMaxDecodedLength(int inputLength) => (inputLength + 1) * 64; // at most 63 bytes per line, and a line can be one byte

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var o = 0;
        foreach (var b in input)
        {
            if (b == '\n')
            {
                o += DecodeLine(output[o..]);
                _line.Clear();
            }
            else if (_line.Count < 1024)
            {
                _line.Add(b);
            }
        }

        return o;
    }

    public int Flush(Span<byte> output)
    {
        var o = _line.Count > 0 ? DecodeLine(output) : 0;
        _line.Clear();
        return o;
    }

    public void Reset()
    {
        _line.Clear();
        _state = State.BeforeBegin;
    }

    private int DecodeLine(Span<byte> output)
    {
        var line = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line);
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        switch (_state)
        {
            case State.BeforeBegin:
                if (line.StartsWith("begin "u8))
                {
                    _state = State.Data;
                }

                return 0;
            case State.Done:
                return 0;
        }

        if (line.Trim(" \t"u8).SequenceEqual("end"u8))
        {
            _state = State.Done;
            return 0;
        }

        if (line.IsEmpty)
        {
            return 0;
        }

        var count = (line[0] - 0x20) & 0x3F;
        var o = 0;
        int bits = 0, value = 0;
        for (var i = 1; i < line.Length && o < count; i++)
        {
            value = (value << 6) | ((line[i] - 0x20) & 0x3F);
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                output[o++] = (byte)(value >> bits);
                value &= (1 << bits) - 1;
            }
        }

        while (o < count)
        {
            output[o++] = 0; // a short line: missing characters count as zero, as binascii.a2b_uu does
        }

        return o;
    }
}
