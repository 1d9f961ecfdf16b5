using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MailFilter.Milter;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Submits copies to Postfix over SMTP (RFC 5321) at <c>[filter] reinject</c>: one connection per copy,
/// EHLO, MAIL with BODY=8BITMIME (and SMTPUTF8 for a non-ASCII address) when offered, one RCPT, DATA with
/// dot-stuffing (§4.5.2), QUIT. Any reply that is not a success, a broken connection or a timeout is a
/// <see cref="ReinjectionException"/>.
/// </summary>
public sealed class SmtpReinjector : IReinjector
{
    private readonly MilterEndpoint _endpoint;
    private readonly string _helo;
    private readonly TimeSpan _timeout;

    public SmtpReinjector(MilterEndpoint endpoint, string helo, TimeSpan? timeout = null)
    {
        _endpoint = endpoint;
        _helo = helo;
        _timeout = timeout ?? TimeSpan.FromMinutes(2);
    }

    public async Task<string?> SubmitAsync(string sender, string recipient, Stream message, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        try
        {
            return await SubmitCoreAsync(sender, recipient, message, cts.Token);
        }
        catch (Exception e) when (e is IOException or SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ReinjectionException($"{_endpoint.Spec}: {(e is OperationCanceledException ? "timed out" : e.Message)}", e);
        }
    }

    private async Task<string?> SubmitCoreAsync(string sender, string recipient, Stream message, CancellationToken ct)
    {
        using var socket = _endpoint.IsUnix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(_endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_endpoint.EndPoint, ct);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = new SmtpReplyReader(stream);

        await ExpectAsync(reader, 220, "greeting", ct);
        var ehlo = await CommandAsync(stream, reader, "EHLO " + _helo, 250, ct);
        bool eightBit = ehlo.Lines.Any(l => l.StartsWith("8BITMIME", StringComparison.OrdinalIgnoreCase));
        bool utf8 = ehlo.Lines.Any(l => l.StartsWith("SMTPUTF8", StringComparison.OrdinalIgnoreCase))
            && !(Ascii.IsValid(sender) && Ascii.IsValid(recipient));
        await CommandAsync(stream, reader, $"MAIL FROM:<{sender}>{(eightBit ? " BODY=8BITMIME" : string.Empty)}{(utf8 ? " SMTPUTF8" : string.Empty)}", 250, ct);
        await CommandAsync(stream, reader, $"RCPT TO:<{recipient}>", 250, ct);
        await CommandAsync(stream, reader, "DATA", 354, ct);
        await DotStuffing.CopyAsync(message, stream, ct);
        var done = await ExpectAsync(reader, 250, "end of data", ct);
        try
        {
            await stream.WriteAsync("QUIT\r\n"u8.ToArray(), ct);
        }
        catch (IOException)
        {
            // The copy is queued; a QUIT that does not arrive changes nothing.
        }

        const string marker = "queued as ";
        string text = string.Join(" ", done.Lines);
        int i = text.IndexOf(marker, StringComparison.Ordinal);
        return i < 0 ? null : text[(i + marker.Length)..].Split(' ', 2)[0];
    }

    private static async Task<SmtpReplyReader.Reply> CommandAsync(Stream stream, SmtpReplyReader reader, string command, int expected, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), ct);
        return await ExpectAsync(reader, expected, command.Split(' ', 2)[0], ct);
    }

    private static async Task<SmtpReplyReader.Reply> ExpectAsync(SmtpReplyReader reader, int expected, string step, CancellationToken ct)
    {
        var reply = await reader.ReadAsync(ct);
        if (reply.Code != expected)
        {
            throw new ReinjectionException($"{step}: {reply.Code.ToString(CultureInfo.InvariantCulture)} {string.Join(" ", reply.Lines)}");
        }

        return reply;
    }
}
