using System.Buffers;
using System.Diagnostics;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// The "relaxed" header canonicalization of RFC 6376 §3.4.2: name lower-cased, value unfolded, runs of
/// WSP reduced to one SP, WSP trimmed at both ends, written as <c>name:value CRLF</c>.
/// </summary>
internal static class RelaxedCanonicalization
{
    public static void WriteHeader(HeaderField field, IBufferWriter<byte> output, bool withCrlf = true)
    {
        var name = field.Name.AsSpan().TrimEnd(" \t");
        var nameBytes = output.GetSpan(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            Debug.Assert(name[i] < 0x80);
            nameBytes[i] = (byte)char.ToLowerInvariant(name[i]);
        }

        output.Advance(name.Length);
        output.Write(":"u8);
        WriteValue(field.RawValue.Span, output);
        if (withCrlf)
        {
            output.Write("\r\n"u8);
        }
    }

    private static void WriteValue(ReadOnlySpan<byte> value, IBufferWriter<byte> output)
    {
        var buffer = output.GetSpan(value.Length);
        int n = 0;
        bool pendingSpace = false;
        foreach (byte b in value)
        {
            switch (b)
            {
                // Unfolding deletes the line breaks; the WSP that follows them stays (and is reduced).
                // A bare LF counts as a break too: the milter protocol delivers folded values with LF.
                case (byte)'\r' or (byte)'\n':
                    continue;
                case (byte)' ' or (byte)'\t':
                    pendingSpace = n > 0;
                    continue;
                default:
                    if (pendingSpace)
                    {
                        buffer[n++] = (byte)' ';
                        pendingSpace = false;
                    }

                    buffer[n++] = b;
                    break;
            }
        }

        output.Advance(n);
    }
}
