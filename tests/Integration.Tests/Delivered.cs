using System.Text;
using MailFilter.Milter.Client;

namespace MailFilter.Integration.Tests;

/// <summary>A message as the lab's Postfix delivered it (pipe(8), LF line ends), split for checks.</summary>
internal sealed class Delivered
{
    private Delivered(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
        Message = RawMessage.Parse(bytes);
    }

    public string Path { get; }

    public byte[] Bytes { get; }

    public RawMessage Message { get; }

    /// <summary>The queue id from the file name (queueid.recipient).</summary>
    public string QueueId => System.IO.Path.GetFileName(Path).Split('.')[0];

    public IReadOnlyList<string> HeaderNames => Message.Headers.Select(h => h.Name).ToList();

    public static Delivered Read(string path) => new(path, File.ReadAllBytes(path));

    public string? Header(string name, int occurrence = 1)
    {
        foreach (var (n, v) in Message.Headers)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase) && --occurrence == 0)
            {
                return Encoding.UTF8.GetString(v);
            }
        }

        return null;
    }

    /// <summary>The file without Postfix's own Received header at the top (the only thing Postfix adds to
    /// a message that already has Message-ID and Date).</summary>
    public byte[] WithoutPostfixReceived()
    {
        var text = Bytes;
        if (!text.AsSpan().StartsWith("Received: "u8))
        {
            return text;
        }

        int pos = 0;
        while (true)
        {
            int lf = text.AsSpan(pos).IndexOf((byte)'\n');
            pos += lf + 1;
            if (pos >= text.Length || (text[pos] != (byte)' ' && text[pos] != (byte)'\t'))
            {
                return text[pos..];
            }
        }
    }

    /// <summary>CRLF → LF, as Postfix stores and pipe(8) delivers lines.</summary>
    public static byte[] Lf(byte[] crlf) => Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(crlf).Replace("\r\n", "\n", StringComparison.Ordinal));
}
