namespace MailFilter.Mime;

/// <summary>
/// Quoted-printable for writing (RFC 2045 §6.7): lines of at most 76 characters with "=" soft breaks, "=" and
/// non-printable bytes as "=XX", whitespace before a line break encoded (rule 3), CRLF line breaks. In text mode a
/// line break in the input (CRLF or LF) is a hard line break; in binary mode CR and LF are encoded.
/// A line starting "From " gets its F encoded, so mbox-style transports do not mangle it.
/// </summary>
internal sealed class QuotedPrintableEncoder
{
    private const int MaxLine = 76;
    private static ReadOnlySpan<byte> Hex => "0123456789ABCDEF"u8;
    private readonly bool _text;
    private readonly List<byte> _line = new(MaxLine + 4);
    private bool _pendingCr;

    public QuotedPrintableEncoder(bool text)
    {
        _text = text;
    }

    public void Write(ReadOnlySpan<byte> data, Stream output)
    {
        foreach (var b in data)
        {
            if (_text)
            {
                if (_pendingCr)
                {
                    _pendingCr = false;
                    if (b == '\n')
                    {
                        HardBreak(output);
                        continue;
                    }

                    Encode((byte)'\r', output);
                }

                if (b == '\r')
                {
                    _pendingCr = true;
                    continue;
                }

                if (b == '\n')
                {
                    HardBreak(output);
                    continue;
                }
            }

            Encode(b, output);
        }
    }

    public void Finish(Stream output)
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            Encode((byte)'\r', output);
        }

        if (_line.Count > 0)
        {
            // The last line gets no line break of its own: the one before the next delimiter belongs to the
            // delimiter (RFC 2046 §5.1.1), so adding one here would add it to the content.
            EncodeTrailingWhitespace(output);
            output.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line));
            _line.Clear();
        }
    }

    private void Encode(byte b, Stream output)
    {
        var literal = b is >= 33 and <= 126 and not (byte)'=' || b is (byte)' ' or (byte)'\t';
        if (_line.Count + (literal ? 1 : 3) > MaxLine - 1)
        {
            // Soft break: "=" ends the line, so the text is at most 75 characters before it.
            _line.Add((byte)'=');
            Flush(output);
        }

        if (b == 'F' && _line.Count == 0)
        {
            literal = false; // "From " at a line start
        }

        if (literal)
        {
            _line.Add(b);
        }
        else
        {
            _line.Add((byte)'=');
            _line.Add(Hex[b >> 4]);
            _line.Add(Hex[b & 0xF]);
        }
    }

    private void HardBreak(Stream output)
    {
        EncodeTrailingWhitespace(output);
        Flush(output);
    }

    /// <summary>RFC 2045 §6.7 rule (3): whitespace at the end of an encoded line must be encoded.</summary>
    private void EncodeTrailingWhitespace(Stream output)
    {
        if (_line.Count == 0)
        {
            return;
        }

        var last = _line[^1];
        if (last is (byte)' ' or (byte)'\t')
        {
            _line.RemoveAt(_line.Count - 1);
            if (_line.Count + 3 > MaxLine)
            {
                _line.Add((byte)'=');
                Flush(output);
            }

            _line.Add((byte)'=');
            _line.Add(Hex[last >> 4]);
            _line.Add(Hex[last & 0xF]);
        }
    }

    private void Flush(Stream output)
    {
        _line.Add((byte)'\r');
        _line.Add((byte)'\n');
        output.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_line));
        _line.Clear();
    }
}
