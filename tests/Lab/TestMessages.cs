using System.Text;

namespace MailFilter.Lab;

/// <summary>Messages as a mail client writes them (CRLF, complete headers), with markers to look for.</summary>
public static class TestMessages
{
    public const string SubjectText = "Quarterly plan for Zürich and 東京 (7f3a9c)";
    public const string TextMarker = "Grüße aus Zürich: the plan is attached (c0ffee-text-4411)";
    public const string HtmlMarker = "<p>The <b>plan</b> is attached (c0ffee-html-5522)</p>";

    /// <summary>multipart/mixed: multipart/alternative (UTF-8 text, HTML), then an attachment of
    /// <paramref name="attachment"/> in base64.</summary>
    public static byte[] Multipart(string id, byte[] attachment, string to = "Bob <bob@example.test>", string cc = "carol@example.test")
    {
        var b = new StringBuilder();
        b.Append("From: Alice <alice@example.test>\r\n");
        b.Append($"To: {to}\r\n");
        if (cc.Length > 0)
        {
            b.Append($"Cc: {cc}\r\n");
        }

        b.Append($"Subject: {SubjectText}\r\n");
        b.Append($"Message-ID: <{id}@example.test>\r\n");
        b.Append("Date: Sat, 21 Nov 2026 07:00:00 +0000\r\n");
        b.Append("MIME-Version: 1.0\r\n");
        b.Append("Content-Type: multipart/mixed; boundary=\"outer-b\"\r\n");
        b.Append("\r\n");
        b.Append("--outer-b\r\nContent-Type: multipart/alternative; boundary=\"alt-b\"\r\n\r\n");
        b.Append("--alt-b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        b.Append(TextMarker).Append("\r\n.a line that starts with a dot\r\n\r\n");
        b.Append("--alt-b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        b.Append("<html><body>").Append(HtmlMarker).Append("</body></html>\r\n");
        b.Append("--alt-b--\r\n\r\n");
        b.Append("--outer-b\r\nContent-Type: application/octet-stream; name=\"plan.bin\"\r\n");
        b.Append("Content-Disposition: attachment; filename=\"plan.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        b.Append(Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n");
        b.Append("--outer-b--\r\n");
        return Encoding.UTF8.GetBytes(b.ToString());
    }

    /// <summary>A plain text message.</summary>
    public static byte[] Plain(string id, string to, string subject = "signed only", string extraHeaders = "") => Encoding.UTF8.GetBytes(
        $"From: Alice <alice@example.test>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}@example.test>\r\n" +
        $"Date: Sat, 21 Nov 2026 07:00:00 +0000\r\n{extraHeaders}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
        "Hello Bob,\r\n\r\nthis one is   signed,\t not sealed. Grüße.\r\n");

    /// <summary>Lines of an attachment's base64 that must never appear in clear text in transit.</summary>
    public static IEnumerable<string> AttachmentLines(byte[] attachment) =>
        Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks).Split("\r\n").Skip(100).Take(5);

    /// <summary>Converts the LF line ends of a pipe(8) delivery back to CRLF.</summary>
    public static byte[] ToCrlf(byte[] lf)
    {
        using var ms = new MemoryStream(lf.Length + (lf.Length / 40));
        for (int i = 0; i < lf.Length; i++)
        {
            if (lf[i] == (byte)'\n' && (i == 0 || lf[i - 1] != (byte)'\r'))
            {
                ms.WriteByte((byte)'\r');
            }

            ms.WriteByte(lf[i]);
        }

        return ms.ToArray();
    }

    /// <summary>The message without Postfix's own Received field at the top.</summary>
    public static byte[] WithoutFirstReceived(byte[] message)
    {
        if (!message.AsSpan().StartsWith("Received: "u8))
        {
            return message;
        }

        int pos = 0;
        while (true)
        {
            pos += message.AsSpan(pos).IndexOf((byte)'\n') + 1;
            if (pos >= message.Length || (message[pos] != (byte)' ' && message[pos] != (byte)'\t'))
            {
                return message[pos..];
            }
        }
    }

    /// <summary>The lines that contain <paramref name="needle"/>, for failure messages.</summary>
    public static string LinesWith(byte[] message, string needle) =>
        string.Join(" | ", Encoding.UTF8.GetString(message).Split('\n').Where(l => l.Contains(needle, StringComparison.Ordinal)));

    public static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
