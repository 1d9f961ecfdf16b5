using System.Text;

namespace MailFilter.Bench.Milter;

/// <summary>A plain message of about the given size: ten ordinary headers and text lines.</summary>
internal static class SampleMessage
{
    public static byte[] Create(int size)
    {
        var sb = new StringBuilder();
        sb.Append("Received: from client.example.org (client.example.org [192.0.2.10])\r\n\tby mx.example.test (Postfix) with ESMTPSA id 4XyZ1234\r\n\tfor <bob@example.test>; Sat, 21 Nov 2026 07:00:00 +0000\r\n");
        sb.Append("From: Alice Example <alice@example.test>\r\n");
        sb.Append("To: Bob Example <bob@example.test>\r\n");
        sb.Append("Subject: Benchmark message\r\n");
        sb.Append("Date: Sat, 21 Nov 2026 07:00:00 +0000\r\n");
        sb.Append("Message-ID: <bench@example.test>\r\n");
        sb.Append("MIME-Version: 1.0\r\n");
        sb.Append("Content-Type: text/plain; charset=utf-8\r\n");
        sb.Append("Content-Transfer-Encoding: 8bit\r\n");
        sb.Append("X-Mailer: bench\r\n\r\n");
        int line = 0;
        while (sb.Length < size)
        {
            sb.Append($"{line++:D5} Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.\r\n");
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
