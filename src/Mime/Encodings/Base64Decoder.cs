namespace MailFilter.Mime;

/// <summary>
/// Base64 (RFC 2045 §6.8), lenient: characters outside the alphabet (line breaks, spaces, junk) are skipped, a
/// complete pad sequence ends the data (what follows is ignored, as RFC 2045 §6.8 says decoding stops at "="), and
/// a final incomplete group yields the bytes it holds. This is what CPython's binascii.a2b_base64 does for the
/// email package, so the judge and the engine agree.
/// </summary>
public sealed class Base64Decoder : IMimeDecoder
{
    private static readonly sbyte[] s_values = BuildTable();
    private static readonly System.Buffers.SearchValues<byte> s_alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);
    private int _quadPos;
    private int _leftChar;
    private int _pads;
    private bool _done;

    /// <summary>True once a pad sequence ended the data.</summary>
    public bool IsDone => _done;

    /// <summary>
    /// True when the input read so far, if it ended here, could not be base64: one data character more than a
    /// multiple of four and no pad sequence (no input encodes to that).
    /// </summary>
    public bool IsUndecodable => !_done && _quadPos == 1;

    /// <summary>
    /// Scans base64 content without keeping the output: false when it is undecodable (see <see cref="IsUndecodable"/>).
    /// Such content is returned undecoded, without its line breaks, rather than decoded (CPython's email package does
    /// the same), since whatever a decoder would produce from it is not what was encoded.
    /// </summary>
    public static bool IsDecodable(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var decoder = new Base64Decoder();
        var input = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        var output = System.Buffers.ArrayPool<byte>.Shared.Rent(decoder.GetMaxDecodedLength(input.Length));
        try
        {
            int n;
            while (!decoder._done && (n = content.Read(input, 0, input.Length)) > 0)
            {
                decoder.Decode(input.AsSpan(0, n), output);
            }

            return !decoder.IsUndecodable;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(input);
            System.Buffers.ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>The 6-bit value of a base64 character, or -1.</summary>
    public static int ValueOf(char c) => c < 128 ? s_values[c] : -1;

    public int GetMaxDecodedLength(int inputLength) => (inputLength / 4 * 3) + 3;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var o = 0;
        if (_done)
        {
            return 0;
        }

        int quadPos = _quadPos, left = _leftChar;
        for (var i = 0; i < input.Length; i++)
        {
            // Fast path: runs of whole groups of four alphabet characters (clean lines) decode in one vectorised call
            // each, and the line breaks after them are skipped (the loop below ignores them too); anything else
            // (junk, padding, a group split by a line break) goes through the loop, one character at a time.
            while (quadPos == 0 && i < input.Length)
            {
                var run = input[i..].IndexOfAnyExcept(s_alphabet);
                var blocks = (run < 0 ? input.Length - i : run) & ~3;
                if (blocks == 0)
                {
                    break;
                }

                System.Buffers.Text.Base64.DecodeFromUtf8(input.Slice(i, blocks), output[o..], out _, out var written);
                i += blocks;
                o += written;
                _pads = 0;
                while (i < input.Length && input[i] is (byte)'\r' or (byte)'\n')
                {
                    i++;
                }
            }

            if (i >= input.Length)
            {
                break;
            }

            var b = input[i];
            if (b == '=')
            {
                // A pad only counts once two data characters of the group are in (RFC 2045 §6.8 "=" handling).
                if (quadPos >= 2 && quadPos + ++_pads >= 4)
                {
                    _done = true;
                    break;
                }

                continue;
            }

            var v = b < 128 ? s_values[b] : -1;
            if (v < 0)
            {
                continue;
            }

            _pads = 0;
            switch (quadPos)
            {
                case 0:
                    quadPos = 1;
                    left = v;
                    break;
                case 1:
                    quadPos = 2;
                    output[o++] = (byte)((left << 2) | (v >> 4));
                    left = v & 0x0F;
                    break;
                case 2:
                    quadPos = 3;
                    output[o++] = (byte)((left << 4) | (v >> 2));
                    left = v & 0x03;
                    break;
                default:
                    quadPos = 0;
                    output[o++] = (byte)((left << 6) | v);
                    left = 0;
                    break;
            }
        }

        _quadPos = quadPos;
        _leftChar = left;
        return o;
    }

    public int Flush(Span<byte> output) => 0;

    public void Reset()
    {
        _quadPos = 0;
        _leftChar = 0;
        _pads = 0;
        _done = false;
    }

    private static sbyte[] BuildTable()
    {
        var t = new sbyte[128];
        Array.Fill(t, (sbyte)-1);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (var i = 0; i < alphabet.Length; i++)
        {
            t[alphabet[i]] = (sbyte)i;
        }

        return t;
    }
}
