using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailFilter.Lab;

namespace MailFilter.Outbound.Tests.Support;

/// <summary>
/// A mail client for the tests: SMTP submission with optional AUTH PLAIN (RFC 4954) and a chosen source
/// address on loopback (127.0.0.2 plays a client outside the trusted networks). Reports the first reply
/// that is not a success and the step it came at.
/// </summary>
public static class Submission
{
    public static async Task<SmtpResult> SendAsync(int port, string from, IReadOnlyList<string> recipients, byte[] message,
        (string User, string Password)? auth = null, string source = "127.0.0.1")
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new StreamReader(stream, Encoding.Latin1);

        async Task<(int Code, string Text)> ReadAsync()
        {
            var text = new StringBuilder();
            while (true)
            {
                var line = await reader.ReadLineAsync() ?? throw new IOException("the server closed the connection");
                text.Append(line.Length > 4 ? line[4..] : string.Empty);
                if (line.Length < 4 || line[3] != '-')
                {
                    return (int.Parse(line.AsSpan(0, 3), CultureInfo.InvariantCulture), text.ToString());
                }

                text.Append(' ');
            }
        }

        async Task<(int Code, string Text)> CommandAsync(string command)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"));
            return await ReadAsync();
        }

        await ReadAsync();
        var ehlo = await CommandAsync("EHLO client.example.test");
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
                return new SmtpResult("auth", authReply.Code, authReply.Text);
            }
        }

        var mail = await CommandAsync($"MAIL FROM:<{from}> BODY=8BITMIME");
        if (mail.Code != 250)
        {
            return new SmtpResult("mail", mail.Code, mail.Text);
        }

        foreach (var r in recipients)
        {
            var rcpt = await CommandAsync($"RCPT TO:<{r}>");
            if (rcpt.Code != 250)
            {
                return new SmtpResult($"rcpt {r}", rcpt.Code, rcpt.Text);
            }
        }

        var data = await CommandAsync("DATA");
        if (data.Code != 354)
        {
            return new SmtpResult("data-command", data.Code, data.Text);
        }

        await stream.WriteAsync(SmtpClientLite.DotStuff(message));
        var final = await ReadAsync();
        await CommandAsync("QUIT");
        return new SmtpResult("data", final.Code, final.Text);
    }
}
