using System.Diagnostics;

namespace MailFilter.Crypto.Codecs;

/// <summary>
/// Standard-alphabet base64 without padding, decoded canonically as age requires (age v1 spec,
/// "Base64 encoding is performed without padding ... and the decoder MUST reject non-canonical
/// encodings"): no '=', no line breaks, no length of 1 mod 4, and the unused low bits of the last
/// character must be zero, so every byte string has exactly one accepted text form.
/// </summary>
internal static class Base64NoPad
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static readonly sbyte[] s_decode = BuildDecodeTable();

    public static int EncodedLength(int byteCount) => ((byteCount * 4) + 2) / 3;

    /// <summary>The decoded length of a text of <paramref name="charCount"/> characters, or -1 if no text has that length.</summary>
    public static int DecodedLength(int charCount) => (charCount % 4) == 1 ? -1 : (charCount * 3) / 4;

    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).TrimEnd('=');

    public static int Encode(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        int length = EncodedLength(data.Length);
        Debug.Assert(destination.Length >= length);
        Span<char> chars = length <= 512 ? stackalloc char[length + 2] : new char[length + 2];
        bool ok = Convert.TryToBase64Chars(data, chars, out int written);
        Debug.Assert(ok && written >= length);
        for (int i = 0; i < length; i++)
        {
            destination[i] = (byte)chars[i];
        }

        return length;
    }

    public static Base64Status TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        Span<byte> ascii = text.Length <= 512 ? stackalloc byte[text.Length] : new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7F)
            {
                written = 0;
                return Base64Status.InvalidCharacter;
            }

            ascii[i] = (byte)text[i];
        }

        return TryDecode(ascii, destination, out written);
    }

    public static Base64Status TryDecode(ReadOnlySpan<byte> text, Span<byte> destination, out int written)
    {
        written = 0;
        int decodedLength = DecodedLength(text.Length);
        if (decodedLength < 0)
        {
            return text.Contains((byte)'=') ? Base64Status.NonCanonical : Base64Status.InvalidLength;
        }

        if (destination.Length < decodedLength)
        {
            return Base64Status.DestinationTooSmall;
        }

        int bits = 0;
        int bitCount = 0;
        foreach (byte c in text)
        {
            int value = s_decode[c];
            if (value < 0)
            {
                // Padding is a second spelling of the same bytes, not a foreign character.
                return c == (byte)'=' ? Base64Status.NonCanonical : Base64Status.InvalidCharacter;
            }

            bits = (bits << 6) | value;
            bitCount += 6;
            if (bitCount >= 8)
            {
                bitCount -= 8;
                destination[written++] = (byte)(bits >> bitCount);
                bits &= (1 << bitCount) - 1;
            }
        }

        // 2 or 4 bits are left over after the last full byte; they must be zero.
        return bits != 0 ? Base64Status.NonCanonical : Base64Status.Ok;
    }

    private static sbyte[] BuildDecodeTable()
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
