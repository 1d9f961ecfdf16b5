using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MailFilter.Lab;

/// <summary>
/// A small SMTP client for tests: one message per connection, reports the first non-success reply and
/// the stage it came at, sends the data dot-stuffed byte for byte (CRLF line ends as given). Optionally
/// authenticates with AUTH PLAIN (RFC 4954) and connects from a chosen loopback address (127.0.0.2 plays a
/// client outside the trusted networks); a message with 8-bit bytes is sent with BODY=8BITMIME (RFC 6152).
/// </summary>
public static class SmtpClientLite
{
    public static async Task<SmtpResult> SendAsync(string host, int port, string from, IReadOnlyList<string> recipients, byte[] message,
        string helo = "client.example.test", (string User, string Password)? auth = null, string source = "127.0.0.1",
        CancellationToken cancellationToken = default, Func<Task>? beforeEndOfData = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(host, port, cancellationToken);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
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
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), cancellationToken);
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

        if (auth is { } credentials)
        {
            string plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{credentials.User}\0{credentials.Password}"));
            var authReply = await CommandAsync("AUTH PLAIN " + plain);
            if (authReply.Code != 235)
            {
                await TryQuitAsync();
                return new SmtpResult("auth", authReply.Code, authReply.Text);
            }
        }

        bool eightBit = message.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0;
        var mail = await CommandAsync($"MAIL FROM:<{from}>" + (eightBit ? " BODY=8BITMIME" : string.Empty));
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

        var stuffed = DotStuff(message);
        if (beforeEndOfData is not null)
        {
            // Hold the session open with the whole message sent but the terminating "." (a session in flight).
            await stream.WriteAsync(stuffed.AsMemory(0, stuffed.Length - 3), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await beforeEndOfData();
            await stream.WriteAsync(stuffed.AsMemory(stuffed.Length - 3), cancellationToken);
        }
        else
        {
            await stream.WriteAsync(stuffed, cancellationToken);
        }

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
