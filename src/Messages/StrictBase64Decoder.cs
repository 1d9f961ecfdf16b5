using System.Buffers;
using System.Buffers.Text;

namespace MailFilter.Messages;

/// <summary>
/// A streaming base64 decoder that refuses anything the carrier's writer would not produce (docs/envelope.md §7):
/// only the RFC 4648 §4 alphabet and line breaks (CRLF, or LF in a mailbox file that stores LF), padding only at
/// the very end, the unused bits of the last character zero. The MIME engine's decoder is lenient on purpose
/// (RFC 2045 §6.8 says to ignore foreign characters); for an envelope a stray character means someone changed it.
/// </summary>
internal sealed class StrictBase64Decoder
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static readonly sbyte[] s_values = BuildTable();
    private static readonly SearchValues<byte> s_alphabet = SearchValues.Create(System.Text.Encoding.ASCII.GetBytes(Alphabet));

    private uint _accumulator;
    private int _count;          // characters in the current quantum (0-3)
    private int _padding;        // '=' seen so far (0-2)
    private bool _pendingCr;
    private bool _ended;         // a padded quantum closed the data
    private bool _failed;

    /// <summary>The largest output one call can produce from <paramref name="inputLength"/> input bytes.</summary>
    public static int MaxOutput(int inputLength) => (inputLength / 4 * 3) + 3;

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/> (at least <see cref="MaxOutput"/> long);
    /// returns the bytes written, or -1 once the input is not strict base64.</summary>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (_failed)
        {
            return -1;
        }

        int written = 0;
        while (!input.IsEmpty)
        {
            // Fast path for what the writer produces: whole lines of complete quanta, decoded by the runtime's vectorized
            // (and equally strict: alphabet only, no padding unless final) decoder.
            while (_count == 0 && _padding == 0 && !_pendingCr && !_ended)
            {
                int lf = input.IndexOf((byte)'\n');
                if (lf < 0)
                {
                    break;
                }

                var line = input[..lf];
                if (line.Length > 0 && line[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                if (line.Length % 4 != 0 || line.IndexOfAnyExcept(s_alphabet) >= 0
                    || Base64.DecodeFromUtf8(line, output[written..], out int consumed, out int produced, isFinalBlock: false) != OperationStatus.Done
                    || consumed != line.Length)
                {
                    break;
                }

                written += produced;
                input = input[(lf + 1)..];
            }

            // Anything else (a line split between two calls, a quantum across a line break, padding, a line the fast path
            // refused) goes byte by byte to the end of the line, then the fast path again: input arrives in chunks that
            // rarely end on a line, and decoding whole chunks byte by byte was most of an envelope's decoding time.
            int used = DecodeToLineEnd(input, output, ref written);
            if (used < 0)
            {
                return Fail();
            }

            input = input[used..];
        }

        return written;
    }

    /// <summary>Decodes byte by byte through the next line break (inclusive) or the end of <paramref name="input"/>; returns
    /// the bytes consumed, or -1 when the input is not strict base64.</summary>
    private int DecodeToLineEnd(ReadOnlySpan<byte> input, Span<byte> output, ref int written)
    {
        for (int i = 0; i < input.Length; i++)
        {
            byte b = input[i];
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b != (byte)'\n')
                {
                    return -1; // a bare CR is not a line break (RFC 5322 §2.3)
                }

                return i + 1;
            }

            switch (b)
            {
                case (byte)'\r':
                    _pendingCr = true;
                    continue;
                case (byte)'\n':
                    return i + 1;
                case (byte)'=':
                    // RFC 4648 §4: "xx==" or "xxx=", and nothing but line breaks after it.
                    if (_count < 2 || _count + _padding >= 4)
                    {
                        return -1;
                    }

                    _padding++;
                    if (_count + _padding == 4)
                    {
                        int n = Flush(output[written..]);
                        if (n < 0)
                        {
                            return -1;
                        }

                        written += n;
                    }

                    continue;
            }

            int value = s_values[b];
            if (value < 0 || _padding > 0 || _ended)
            {
                return -1;
            }

            _accumulator = (_accumulator << 6) | (uint)value;
            if (++_count == 4)
            {
                output[written++] = (byte)(_accumulator >> 16);
                output[written++] = (byte)(_accumulator >> 8);
                output[written++] = (byte)_accumulator;
                _accumulator = 0;
                _count = 0;
            }
        }

        return input.Length;
    }

    /// <summary>True if the input ended on a complete quantum (padded as RFC 4648 §3.2 requires) and no dangling CR.</summary>
    public bool Finish() => !_failed && !_pendingCr && _count == 0 && _padding == 0;

    /// <summary>Writes the 1 or 2 bytes of a padded final quantum; the unused bits must be zero (RFC 4648 §3.5, canonical).</summary>
    private int Flush(Span<byte> output)
    {
        uint bits = _accumulator;
        int n;
        if (_count == 2)
        {
            if ((bits & 0xF) != 0)
            {
                return -1;
            }

            output[0] = (byte)(bits >> 4);
            n = 1;
        }
        else
        {
            if ((bits & 0x3) != 0)
            {
                return -1;
            }

            output[0] = (byte)(bits >> 10);
            output[1] = (byte)(bits >> 2);
            n = 2;
        }

        _accumulator = 0;
        _count = 0;
        _padding = 0;
        _ended = true;
        return n;
    }

    private int Fail()
    {
        _failed = true;
        return -1;
    }

    private static sbyte[] BuildTable()
    {
        var table = new sbyte[256];
        Array.Fill(table, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
