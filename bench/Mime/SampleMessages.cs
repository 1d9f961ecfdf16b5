using System.Text;

namespace MailFilter.Mime.Bench;

/// <summary>The benchmark's inputs: a typical 2 KB message and a 50 MB message with one base64 attachment.</summary>
internal static class SampleMessages
{
    /// <summary>A 2 KB multipart/alternative message with the headers real mail carries.</summary>
    public static byte[] Small()
    {
        var sb = new StringBuilder();
        sb.Append("Return-Path: <alice@example.com>\r\n");
        sb.Append("Received: from mx.example.com (mx.example.com [192.0.2.10])\r\n\tby mail.example.net (Postfix) with ESMTPS id 4F2B81C0A3\r\n\tfor <bob@example.net>; Sat, 21 Nov 2026 06:53:20 +0000 (UTC)\r\n");
        sb.Append("Received: from [198.51.100.7] (unknown [198.51.100.7])\r\n\tby mx.example.com (Postfix) with ESMTPSA id 9A1C2E0051\r\n\tfor <bob@example.net>; Sat, 21 Nov 2026 06:53:19 +0000 (UTC)\r\n");
        sb.Append("From: Alice Example <alice@example.com>\r\nTo: Bob Example <bob@example.net>\r\nCc: =?utf-8?q?Carol_M=C3=BCller?= <carol@example.org>\r\n");
        sb.Append("Subject: =?utf-8?B?UXVhcnRlcmx5IHJlcG9ydCDigJMgZHJhZnQ=?=\r\nDate: Sat, 21 Nov 2026 07:53:18 +0100\r\n");
        sb.Append("Message-ID: <20261121065318.4F2B81C0A3@mx.example.com>\r\nMIME-Version: 1.0\r\n");
        sb.Append("Content-Type: multipart/alternative; boundary=\"=_b1_5d4c3b2a19\"\r\n\r\n");
        sb.Append("--=_b1_5d4c3b2a19\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
        for (var i = 0; i < 6; i++)
        {
            sb.Append("Hi Bob, here is the draft of the quarterly report. Numbers are in the =\r\nsecond section; please check them before Friday. Gr=C3=BC=C3=9Fe\r\n");
        }

        sb.Append("\r\n--=_b1_5d4c3b2a19\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><body>");
        while (sb.Length < 2000)
        {
            sb.Append("<p>Hi Bob, here is the draft of the quarterly report.</p>\r\n");
        }

        sb.Append("</body></html>\r\n--=_b1_5d4c3b2a19--\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Writes a 50 MiB message (a short text part and one base64 attachment) to a file.</summary>
    public static void WriteLarge(string path, long totalBytes = 50L << 20)
    {
        using var f = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        void W(string s) => f.Write(Encoding.ASCII.GetBytes(s));
        W("From: Alice Example <alice@example.com>\r\nTo: bob@example.net\r\nSubject: the data set\r\nDate: Sat, 21 Nov 2026 07:53:18 +0100\r\n");
        W("Message-ID: <large@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=_large_b\"\r\n\r\n");
        W("--=_large_b\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThe data set is attached.\r\n\r\n");
        W("--=_large_b\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var line = new byte[57];
        var encoded = new byte[78];
        var written = f.Position;
        var random = new Random(1);
        while (written + 78 + 20 < totalBytes)
        {
            random.NextBytes(line);
            System.Buffers.Text.Base64.EncodeToUtf8(line, encoded, out _, out var n);
            encoded[n] = (byte)'\r';
            encoded[n + 1] = (byte)'\n';
            f.Write(encoded, 0, n + 2);
            written += n + 2;
        }

        W("--=_large_b--\r\n");
    }
}
