using System.Buffers;
using MailFilter.Crypto.Codecs;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Age;

/// <summary>Writes an age v1 header and its MAC (age v1 spec, "Header").</summary>
internal static class AgeHeaderWriter
{
    public static byte[] Write(IReadOnlyList<AgeStanza> stanzas, FileKey fileKey)
    {
        var output = new ArrayBufferWriter<byte>(256 + (stanzas.Count * 120));
        output.Write(AgeFormat.VersionLine);
        output.Write("\n"u8);
        foreach (var stanza in stanzas)
        {
            output.Write(AgeFormat.StanzaPrefix);
            output.Write(System.Text.Encoding.ASCII.GetBytes(stanza.Type));
            foreach (var argument in stanza.Arguments)
            {
                output.Write(" "u8);
                output.Write(System.Text.Encoding.ASCII.GetBytes(argument));
            }

            output.Write("\n"u8);
            WriteBody(output, stanza.Body);
        }

        output.Write(AgeFormat.MacPrefix);
        Span<byte> mac = stackalloc byte[AgeFormat.MacSize];
        AgeFormat.ComputeMac(fileKey, output.WrittenSpan, mac);
        output.Write(" "u8);
        var macText = output.GetSpan(43);
        Base64NoPad.Encode(mac, macText);
        output.Advance(43);
        output.Write("\n"u8);
        return output.WrittenSpan.ToArray();
    }

    // Body lines are 64 columns; the last line is shorter, so a body whose text is a multiple of 64
    // (including an empty body) ends with an empty line.
    private static void WriteBody(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> body)
    {
        int textLength = Base64NoPad.EncodedLength(body.Length);
        var text = new byte[textLength];
        Base64NoPad.Encode(body, text);
        int offset = 0;
        while (true)
        {
            int n = Math.Min(AgeFormat.BodyLineLength, textLength - offset);
            output.Write(text.AsSpan(offset, n));
            output.Write("\n"u8);
            offset += n;
            if (n < AgeFormat.BodyLineLength)
            {
                return;
            }
        }
    }
}
