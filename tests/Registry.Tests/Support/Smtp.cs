using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailFilter.Lab;

namespace MailFilter.Registry.Tests.Support;

/// <summary>An SMTP client bound to a chosen loopback source address: 127.0.0.1 is a trusted submitter, 127.0.0.2 a stranger on the Internet.</summary>
public static class Smtp
{
    public static async Task<SmtpResult> SendAsync(int port, string from, IReadOnlyList<string> recipients, byte[] message, string source)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new StreamReader(stream, Encoding.Latin1);

        async Task<(int Code, string Text)> Reply()
        {
            string line;
            var text = new StringBuilder();
            do
            {
                line = await reader.ReadLineAsync() ?? throw new IOException("the server closed the connection");
                text.Append(line.Length > 4 ? line[4..] : string.Empty).Append(' ');
            }
            while (line.Length > 3 && line[3] == '-');
            return (int.Parse(line.AsSpan(0, 3), CultureInfo.InvariantCulture), text.ToString().Trim());
        }

        async Task<(int Code, string Text)> Command(string command)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"));
            return await Reply();
        }

        await Reply();
        foreach (var (step, command, expect) in new[] { ("ehlo", "EHLO client.example.test", 250), ("mail", $"MAIL FROM:<{from}>", 250) }
            .Concat(recipients.Select(r => ("rcpt", $"RCPT TO:<{r}>", 250))).Append(("data", "DATA", 354)))
        {
            var r = await Command(command);
            if (r.Code != expect)
            {
                return new SmtpResult(step, r.Code, r.Text);
            }
        }

        await stream.WriteAsync(SmtpClientLite.DotStuff(message));
        var end = await Reply();
        await Command("QUIT");
        return new SmtpResult("data", end.Code, end.Text);
    }
}
