using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// The client side of LMTP (RFC 2033), for handing messages to Dovecot and for tests that talk to our server: send a
/// command, read a (multi-line) reply, send content dot-stuffed (RFC 5321 §4.5.2). Replies are read with the same
/// sans-I/O line reader as the server.
/// </summary>
public sealed class LmtpClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private LmtpLineReader _lines = new(4096);

    private LmtpClient(Stream stream)
    {
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <summary>The server's LHLO keywords (upper case), after <see cref="LhloAsync"/>.</summary>
    public IReadOnlySet<string> Capabilities { get; private set; } = new HashSet<string>();

    public static async Task<LmtpClient> ConnectAsync(MilterEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = endpoint.IsUnix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.EndPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new LmtpClient(new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>Wraps a connected stream (tests).</summary>
    public static LmtpClient Over(Stream stream) => new(stream);

    /// <summary>Sends LHLO and records the keywords of the reply.</summary>
    public async Task<LmtpReply> LhloAsync(string hostname, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("LHLO " + hostname, cancellationToken).ConfigureAwait(false);
        Capabilities = reply.Lines.Skip(1).Select(l => l.Split(' ')[0].ToUpperInvariant()).ToHashSet();
        return reply;
    }

    public async Task<LmtpReply> CommandAsync(string line, CancellationToken cancellationToken)
    {
        await SendAsync(line + "\r\n", cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="content"/> dot-stuffed, a CRLF if it does not end with one, and the "." line.</summary>
    public async Task SendDataAsync(Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var input = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var output = new ArrayBufferWriter<byte>(80 * 1024);
        bool atLineStart = true;
        byte last = (byte)'\n';
        byte beforeLast = (byte)'\r';
        try
        {
            int n;
            while ((n = await content.ReadAsync(input.AsMemory(0, 64 * 1024), cancellationToken).ConfigureAwait(false)) > 0)
            {
                foreach (byte b in input.AsSpan(0, n))
                {
                    if (atLineStart && b == (byte)'.')
                    {
                        output.Write("."u8);
                    }

                    output.GetSpan(1)[0] = b;
                    output.Advance(1);
                    atLineStart = b == (byte)'\n' && last == (byte)'\r';
                    beforeLast = last;
                    last = b;
                }

                await _stream.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
                output.ResetWrittenCount();
            }

            var end = last == (byte)'\n' && beforeLast == (byte)'\r' ? ".\r\n"u8.ToArray() : "\r\n.\r\n"u8.ToArray();
            await _stream.WriteAsync(end, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
        }
    }

    /// <summary>Reads one reply (RFC 5321 §4.2.1: "ddd-" lines then a "ddd " line).</summary>
    public async Task<LmtpReply> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int code)
                || (line.Length > 3 && line[3] is not (' ' or '-')))
            {
                throw new IOException("malformed LMTP reply");
            }

            lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            if (line.Length == 3 || line[3] == ' ')
            {
                return LmtpReply.FromPeer(code, lines);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryLine(buffer, out var line, out var consumed))
            {
                _reader.AdvanceTo(consumed);
                return line;
            }

            _reader.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("the LMTP server closed the connection");
            }
        }
    }

    private bool TryLine(ReadOnlySequence<byte> buffer, out string line, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        var status = _lines.TryRead(ref reader, out var raw);
        consumed = reader.Position;
        line = status == LmtpLineStatus.Line ? Encoding.UTF8.GetString(raw) : string.Empty;
        if (status == LmtpLineStatus.TooLong)
        {
            throw new IOException("LMTP reply line too long");
        }

        return status == LmtpLineStatus.Line;
    }
}
