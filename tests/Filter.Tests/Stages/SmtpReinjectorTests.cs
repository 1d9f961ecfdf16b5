using System.Net;
using System.Net.Sockets;
using System.Text;
using MailFilter.Filter.Milter.Stages;
using MailFilter.Milter;

namespace MailFilter.Filter.Tests.Stages;

/// <summary>The re-injection SMTP client against a scripted SMTP server on loopback.</summary>
public class SmtpReinjectorTests
{
    private static async Task<(string Received, Exception? Error, string? QueueId)> RunAsync(string message, Func<string, string?> reply)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var transcript = new StringBuilder();
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.UTF8);
            async Task SendAsync(string text) => await stream.WriteAsync(Encoding.UTF8.GetBytes(text + "\r\n"));
            await SendAsync("220 mx ESMTP");
            bool data = false;
            while (await reader.ReadLineAsync() is { } line)
            {
                transcript.Append(line).Append('\n');
                if (data)
                {
                    if (line == ".")
                    {
                        data = false;
                        await SendAsync(reply(".") ?? "250 2.0.0 Ok: queued as ABC123");
                    }

                    continue;
                }

                string verb = line.Split(' ')[0].ToUpperInvariant();
                string? custom = reply(verb);
                if (custom is not null)
                {
                    await SendAsync(custom);
                    continue;
                }

                switch (verb)
                {
                    case "EHLO": await SendAsync("250-mx\r\n250-8BITMIME\r\n250 SMTPUTF8"); break;
                    case "DATA": data = true; await SendAsync("354 go"); break;
                    case "QUIT": await SendAsync("221 bye"); return;
                    default: await SendAsync("250 ok"); break;
                }
            }
        });

        var reinjector = new SmtpReinjector(MilterEndpoint.Parse($"inet:127.0.0.1:{port}"), "mx.example.test", TimeSpan.FromSeconds(10));
        Exception? error = null;
        string? id = null;
        try
        {
            id = await reinjector.SubmitAsync("alice@example.test", "dave@example.test", new MemoryStream(Encoding.UTF8.GetBytes(message)), CancellationToken.None);
        }
        catch (ReinjectionException e)
        {
            error = e;
        }

        listener.Stop();
        await Task.WhenAny(server, Task.Delay(5000));
        return (transcript.ToString(), error, id);
    }

    [Fact]
    public async Task ACopyIsSubmittedWithDotStuffingAndTheQueueIdIsReturned()
    {
        var (received, error, id) = await RunAsync("Subject: x\r\n\r\n.leading dot\r\nlast line without newline", _ => null);
        Assert.Null(error);
        Assert.Equal("ABC123", id);
        Assert.Equal(
            "EHLO mx.example.test\nMAIL FROM:<alice@example.test> BODY=8BITMIME\nRCPT TO:<dave@example.test>\nDATA\n" +
            "Subject: x\n\n..leading dot\nlast line without newline\n.\nQUIT\n", received);
    }

    [Theory]
    [InlineData("RCPT", "550 5.1.1 no such user")]
    [InlineData("MAIL", "451 4.3.0 try later")]
    [InlineData(".", "554 5.7.1 refused")]
    public async Task AnyRefusalIsAReinjectionException(string step, string answer)
    {
        var (_, error, _) = await RunAsync("Subject: x\r\n\r\nbody\r\n", verb => verb == step ? answer : null);
        Assert.IsType<ReinjectionException>(error);
        Assert.Contains(answer[..3], error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableServerIsAReinjectionException()
    {
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }

        var reinjector = new SmtpReinjector(MilterEndpoint.Parse($"inet:127.0.0.1:{port}"), "mx");
        await Assert.ThrowsAsync<ReinjectionException>(() => reinjector.SubmitAsync("a@x.test", "b@x.test", new MemoryStream(), CancellationToken.None));
    }
}
