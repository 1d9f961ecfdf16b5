using System.Diagnostics;

namespace MailFilter.Crypto.Codecs;

/// <summary>
/// Bech32 (BIP 173) as age uses it for <c>age1…</c> recipients and <c>AGE-SECRET-KEY-1…</c>
/// identities: the original checksum constant (not Bech32m) and no 90-character length limit.
/// </summary>
public static class Bech32
{
    private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private const int ChecksumLength = 6;
    private static readonly uint[] s_generator = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    private static readonly sbyte[] s_charsetReverse = BuildReverse();

    /// <summary>The length of the text encoding of <paramref name="dataLength"/> bytes under a prefix of <paramref name="hrpLength"/> characters.</summary>
    public static int EncodedLength(int hrpLength, int dataLength) => hrpLength + 1 + ((dataLength * 8) + 4) / 5 + ChecksumLength;

    /// <summary>Encodes <paramref name="data"/> under the human-readable part <paramref name="hrp"/>, lower case unless <paramref name="upperCase"/>.</summary>
    public static int Encode(string hrp, ReadOnlySpan<byte> data, Span<char> destination, bool upperCase = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(hrp);
        foreach (char c in hrp)
        {
            if (c < 33 || c > 126)
            {
                throw new ArgumentException("the human-readable part must be printable ASCII", nameof(hrp));
            }
        }

        int length = EncodedLength(hrp.Length, data.Length);
        if (destination.Length < length)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        string lowerHrp = hrp.ToLowerInvariant();
        int dataChars = length - hrp.Length - 1 - ChecksumLength;
        Span<byte> values = stackalloc byte[dataChars + ChecksumLength];
        int n = ConvertBits(data, values);
        Debug.Assert(n == dataChars);
        uint polymod = PolymodOfHrp(lowerHrp);
        for (int i = 0; i < dataChars; i++)
        {
            polymod = Step(polymod, values[i]);
        }

        for (int i = 0; i < ChecksumLength; i++)
        {
            polymod = Step(polymod, 0);
        }

        polymod ^= 1;
        for (int i = 0; i < ChecksumLength; i++)
        {
            values[dataChars + i] = (byte)((polymod >> (5 * (5 - i))) & 31);
        }

        int pos = 0;
        foreach (char c in lowerHrp)
        {
            destination[pos++] = upperCase ? char.ToUpperInvariant(c) : c;
        }

        destination[pos++] = '1';
        foreach (byte v in values)
        {
            char c = Charset[v];
            destination[pos++] = upperCase ? char.ToUpperInvariant(c) : c;
        }

        values.Clear();
        return pos;
    }

    /// <summary>
    /// Decodes a Bech32 string whose human-readable part must equal <paramref name="expectedHrp"/>
    /// (compared case-insensitively). Mixed case, a bad checksum, or non-zero padding bits fail.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> text, string expectedHrp, Span<byte> destination, out int written)
    {
        written = 0;
        int separator = text.LastIndexOf('1');
        if (separator < 1 || separator + 1 + ChecksumLength > text.Length || separator != expectedHrp.Length)
        {
            return false;
        }

        bool hasLower = false, hasUpper = false;
        foreach (char c in text)
        {
            if (c < 33 || c > 126)
            {
                return false;
            }

            hasLower |= c is >= 'a' and <= 'z';
            hasUpper |= c is >= 'A' and <= 'Z';
        }

        if (hasLower && hasUpper)
        {
            return false;
        }

        if (!text[..separator].Equals(expectedHrp, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var payload = text[(separator + 1)..];
        Span<byte> values = payload.Length <= 256 ? stackalloc byte[payload.Length] : new byte[payload.Length];
        uint polymod = PolymodOfHrp(expectedHrp.ToLowerInvariant());
        for (int i = 0; i < payload.Length; i++)
        {
            char c = char.ToLowerInvariant(payload[i]);
            int v = c < 128 ? s_charsetReverse[c] : -1;
            if (v < 0)
            {
                return false;
            }

            values[i] = (byte)v;
            polymod = Step(polymod, (byte)v);
        }

        if (polymod != 1)
        {
            return false;
        }

        var data = values[..^ChecksumLength];
        int bitCount = 0, bits = 0;
        foreach (byte v in data)
        {
            bits = (bits << 5) | v;
            bitCount += 5;
            if (bitCount >= 8)
            {
                bitCount -= 8;
                if (written == destination.Length)
                {
                    values.Clear();
                    return false;
                }

                destination[written++] = (byte)(bits >> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }

        values.Clear();

        // BIP 173: at most 4 padding bits, all zero.
        return bitCount < 5 && bits == 0;
    }

    private static int ConvertBits(ReadOnlySpan<byte> data, Span<byte> output)
    {
        int bits = 0, bitCount = 0, n = 0;
        foreach (byte b in data)
        {
            bits = (bits << 8) | b;
            bitCount += 8;
            while (bitCount >= 5)
            {
                bitCount -= 5;
                output[n++] = (byte)((bits >> bitCount) & 31);
            }

            bits &= (1 << bitCount) - 1;
        }

        if (bitCount > 0)
        {
            output[n++] = (byte)((bits << (5 - bitCount)) & 31);
        }

        return n;
    }

    private static uint PolymodOfHrp(string hrp)
    {
        uint polymod = 1;
        foreach (char c in hrp)
        {
            polymod = Step(polymod, (byte)(c >> 5));
        }

        polymod = Step(polymod, 0);
        foreach (char c in hrp)
        {
            polymod = Step(polymod, (byte)(c & 31));
        }

        return polymod;
    }

    private static uint Step(uint polymod, byte value)
    {
        uint top = polymod >> 25;
        polymod = ((polymod & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++)
        {
            if (((top >> i) & 1) != 0)
            {
                polymod ^= s_generator[i];
            }
        }

        return polymod;
    }

    private static sbyte[] BuildReverse()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (int i = 0; i < Charset.Length; i++)
        {
            table[Charset[i]] = (sbyte)i;
        }

        return table;
    }
}
