using System.Net.Sockets;
using System.Text;

namespace MailFilter.Lab;

/// <summary>
/// A small SMTP client for tests: one message per connection, reports the first non-success reply and
/// the stage it came at, sends the data dot-stuffed byte for byte (CRLF line ends as given).
/// </summary>
public static class SmtpClientLite
{
    public static async Task<SmtpResult> SendAsync(string host, int port, string from, IReadOnlyList<string> recipients, byte[] message,
        string helo = "client.example.test", CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, cancellationToken);
        client.NoDelay = true;
        await using var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);

        async Task<(int Code, string Text)> ReadReplyAsync()
        {
            var text = new StringBuilder();
            while (true)
            {
                var line = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("SMTP server closed the connection");
                text.Append(line.Length > 4 ? line[4..] : string.Empty);
                if (line.Length < 4 || line[3] != '-')
                {
                    return (int.Parse(line.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture), text.ToString());
                }

                text.Append(' ');
            }
        }

        async Task<(int Code, string Text)> CommandAsync(string command)
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(command + "\r\n"), cancellationToken);
            return await ReadReplyAsync();
        }

        var greeting = await ReadReplyAsync();
        if (greeting.Code != 220)
        {
            return new SmtpResult("connect", greeting.Code, greeting.Text);
        }

        var ehlo = await CommandAsync("EHLO " + helo);
        if (ehlo.Code != 250)
        {
            return new SmtpResult("ehlo", ehlo.Code, ehlo.Text);
        }

        var mail = await CommandAsync($"MAIL FROM:<{from}>");
        if (mail.Code != 250)
        {
            await TryQuitAsync();
            return new SmtpResult("mail", mail.Code, mail.Text);
        }

        int accepted = 0;
        SmtpResult? lastRefusal = null;
        foreach (var rcpt in recipients)
        {
            var reply = await CommandAsync($"RCPT TO:<{rcpt}>");
            if (reply.Code == 250)
            {
                accepted++;
            }
            else
            {
                lastRefusal = new SmtpResult($"rcpt {rcpt}", reply.Code, reply.Text);
            }
        }

        if (accepted == 0)
        {
            await TryQuitAsync();
            return lastRefusal!;
        }

        var data = await CommandAsync("DATA");
        if (data.Code != 354)
        {
            await TryQuitAsync();
            return new SmtpResult("data-command", data.Code, data.Text);
        }

        await stream.WriteAsync(DotStuff(message), cancellationToken);
        var final = await ReadReplyAsync();
        await TryQuitAsync();
        return new SmtpResult("data", final.Code, final.Text);

        async Task TryQuitAsync()
        {
            try
            {
                await CommandAsync("QUIT");
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>RFC 5321 §4.5.2 transparency, plus the terminating ".": a message must end in CRLF first.</summary>
    public static byte[] DotStuff(byte[] message)
    {
        using var ms = new MemoryStream(message.Length + 64);
        bool lineStart = true;
        foreach (byte b in message)
        {
            if (lineStart && b == (byte)'.')
            {
                ms.WriteByte((byte)'.');
            }

            ms.WriteByte(b);
            lineStart = b == (byte)'\n';
        }

        if (!lineStart)
        {
            ms.Write("\r\n"u8);
        }

        ms.Write(".\r\n"u8);
        return ms.ToArray();
    }
}
