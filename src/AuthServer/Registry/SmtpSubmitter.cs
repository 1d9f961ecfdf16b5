using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace MailFilter.AuthServer.Registry;

/// <summary>
/// Submits authd's own mails (docs/registry.md §6: confirmation, success, reminder) to the local Postfix over plain
/// SMTP (RFC 5321): EHLO, MAIL, RCPT, DATA with dot-stuffing, QUIT; one connection per mail, one timeout for all of it.
/// Throws <see cref="IOException"/> with the server's reply when anything is refused.
/// </summary>
public sealed class SmtpSubmitter(string host, int port, string heloName, TimeSpan timeout)
{
    private const int MaxReplyLine = 1000;

    public async Task SendAsync(string from, string to, string message, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, cts.Token);
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
            async Task Expect(int code, string step)
            {
                string? line;
                do
                {
                    line = await reader.ReadLineAsync(cts.Token);
                    if (line is null || line.Length < 3 || line.Length > MaxReplyLine)
                    {
                        throw new IOException($"SMTP server {host}:{port} closed or sent a malformed reply after {step}");
                    }
                }
                while (line.Length > 3 && line[3] == '-');
                if (!int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int got) || got / 100 != code / 100)
                {
                    throw new IOException($"SMTP server {host}:{port} refused {step}: {line}");
                }
            }

            async Task Send(string line) => await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), cts.Token);

            await Expect(220, "the connection");
            await Send("EHLO " + heloName);
            await Expect(250, "EHLO");
            await Send($"MAIL FROM:<{from}>");
            await Expect(250, "MAIL FROM");
            await Send($"RCPT TO:<{to}>");
            await Expect(250, "RCPT TO " + to);
            await Send("DATA");
            await Expect(354, "DATA");
            var body = new StringBuilder();
            foreach (var line in message.ReplaceLineEndings("\n").Split('\n'))
            {
                body.Append(line.StartsWith('.') ? "." + line : line).Append("\r\n");
            }

            body.Append(".\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(body.ToString()), cts.Token);
            await Expect(250, "the message");
            await Send("QUIT");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"SMTP server {host}:{port} did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (SocketException e)
        {
            throw new IOException($"SMTP server {host}:{port}: {e.Message}", e);
        }
    }
}
