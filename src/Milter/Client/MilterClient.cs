using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Client;

/// <summary>
/// The MTA side of the milter protocol: sends commands the way Postfix 3.7 does (a MACRO packet before
/// each command, body chunks of at most 65,535 bytes) and reads the filter's replies, honouring the
/// negotiated no-reply and no-step flags. Used by <c>mailfilterctl milter-check</c>, tests and benchmarks.
/// Methods return null when the negotiation says no reply comes (or the step is not sent at all).
/// </summary>
public sealed partial class MilterClient : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly int _maxPacketSize;

    public MilterClient(Stream stream, int maxPacketSize = 64 * 1024 * 1024)
    {
        _stream = stream;
        _input = PipeReader.Create(stream);
        _output = PipeWriter.Create(stream);
        _maxPacketSize = maxPacketSize;
    }

    /// <summary>What the filter replied to OPTNEG.</summary>
    public OptionNegotiation Negotiated { get; private set; }

    /// <summary>Macro lists the filter asked for (SETSYMLIST), by stage.</summary>
    public IReadOnlyDictionary<MacroStage, string> RequestedMacros { get; private set; } = new Dictionary<MacroStage, string>();

    /// <summary>True once CONNECT and HELO were sent on this session (Postfix sends them once per
    /// connection, then one MAIL ... EOM, ABORT per message).</summary>
    public bool SessionOpened { get; private set; }

    /// <summary>PROGRESS packets seen so far.</summary>
    public int ProgressCount { get; private set; }

    public static async Task<MilterClient> ConnectAsync(MilterEndpoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = endpoint.IsUnix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint.EndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new MilterClient(new NetworkStream(socket, ownsSocket: true));
    }

    public async Task<OptionNegotiation> NegotiateAsync(
        uint version = OptionNegotiation.CurrentVersion,
        MilterActions actions = MilterActions.CurrentMask,
        MilterProtocolFlags protocol = MilterProtocolFlags.CurrentMask,
        CancellationToken cancellationToken = default)
    {
        new OptionNegotiation(version, actions, protocol).Write(_output);
        await _output.FlushAsync(cancellationToken);
        var (code, payload) = await ReadFrameAsync(cancellationToken);
        if (code != (byte)MilterCommand.OptionNegotiation)
        {
            MilterProtocolException.Throw(MilterProtocolError.UnknownReply, $"expected an OPTNEG reply, got '{(char)code}'");
        }

        Negotiated = OptionNegotiation.Parse(payload, out var lists);
        RequestedMacros = lists;
        return Negotiated;
    }

    /// <summary>Sends a MACRO packet for <paramref name="stage"/> (Postfix sends one before every command,
    /// even with no pairs).</summary>
    public async Task SendMacrosAsync(MilterCommand stage, IEnumerable<KeyValuePair<string, string>>? macros, CancellationToken cancellationToken = default)
    {
        var strings = new List<string>();
        foreach (var (name, value) in macros ?? [])
        {
            strings.Add(name);
            strings.Add(value);
        }

        int size = 1 + strings.Sum(PacketWriter.CStringSize); // stage byte + pairs
        var span = PacketWriter.Begin(_output, (byte)MilterCommand.Macro, size);
        PacketWriter.PutByte(ref span, (byte)stage);
        foreach (var s in strings)
        {
            PacketWriter.PutCString(ref span, s);
        }

        _output.Advance(PacketWriter.HeaderSize + size);
        await Task.CompletedTask;
    }

    public Task<MilterClientReply?> ConnectAsync(string hostname, ConnectFamily family, ushort port, string address, CancellationToken cancellationToken = default)
    {
        if (Suppressed(MilterProtocolFlags.NoConnect))
        {
            return Task.FromResult<MilterClientReply?>(null);
        }

        new ConnectCommand(hostname, family, port, address).Write(_output);
        return ReplyAsync(MilterProtocolFlags.NoReplyConnect, cancellationToken);
    }

    public Task<MilterClientReply?> HeloAsync(string helo, CancellationToken cancellationToken = default) =>
        StringsAsync(MilterCommand.Helo, MilterProtocolFlags.NoHelo, MilterProtocolFlags.NoReplyHelo, [helo], cancellationToken);

    public Task<MilterClientReply?> MailFromAsync(IReadOnlyList<string> senderAndArgs, CancellationToken cancellationToken = default) =>
        StringsAsync(MilterCommand.Mail, MilterProtocolFlags.NoMail, MilterProtocolFlags.NoReplyMail, senderAndArgs, cancellationToken);

    public Task<MilterClientReply?> RecipientAsync(IReadOnlyList<string> recipientAndArgs, CancellationToken cancellationToken = default) =>
        StringsAsync(MilterCommand.Recipient, MilterProtocolFlags.NoRecipient, MilterProtocolFlags.NoReplyRecipient, recipientAndArgs, cancellationToken);

    public Task<MilterClientReply?> DataAsync(CancellationToken cancellationToken = default)
    {
        if (Negotiated.Version < 4 || Suppressed(MilterProtocolFlags.NoData))
        {
            return Task.FromResult<MilterClientReply?>(null);
        }

        PacketWriter.WriteEmpty(_output, (byte)MilterCommand.Data);
        return ReplyAsync(MilterProtocolFlags.NoReplyData, cancellationToken);
    }

    public Task<MilterClientReply?> UnknownAsync(string command, CancellationToken cancellationToken = default)
    {
        if (Negotiated.Version < 3)
        {
            return Task.FromResult<MilterClientReply?>(null);
        }

        return StringsAsync(MilterCommand.Unknown, MilterProtocolFlags.NoUnknown, MilterProtocolFlags.NoReplyUnknown, [command], cancellationToken);
    }

    /// <summary>Sends one header; <paramref name="value"/> is in wire form (folds as LF). Without
    /// HDR_LEADSPC one leading space is removed, as Postfix does.</summary>
    public Task<MilterClientReply?> HeaderAsync(string name, byte[] value, CancellationToken cancellationToken = default)
    {
        if (Suppressed(MilterProtocolFlags.NoHeaders))
        {
            return Task.FromResult<MilterClientReply?>(null);
        }

        ReadOnlySpan<byte> v = value;
        if ((Negotiated.Protocol & MilterProtocolFlags.HeaderLeadingSpace) == 0 && v.Length > 0 && v[0] == (byte)' ')
        {
            v = v[1..];
        }

        PacketWriter.WriteByteStrings(_output, (byte)MilterCommand.Header, Encoding.Latin1.GetBytes(name), v);
        return ReplyAsync(MilterProtocolFlags.NoReplyHeader, cancellationToken);
    }

    public Task<MilterClientReply?> EndOfHeadersAsync(CancellationToken cancellationToken = default)
    {
        if (Suppressed(MilterProtocolFlags.NoEndOfHeaders))
        {
            return Task.FromResult<MilterClientReply?>(null);
        }

        PacketWriter.WriteEmpty(_output, (byte)MilterCommand.EndOfHeaders);
        return ReplyAsync(MilterProtocolFlags.NoReplyEndOfHeaders, cancellationToken);
    }

    /// <summary>Sends one body chunk (at most 65,535 bytes).</summary>
    public Task<MilterClientReply?> BodyChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default)
    {
        if (Suppressed(MilterProtocolFlags.NoBody))
        {
            return Task.FromResult<MilterClientReply?>(null);
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunk.Length, MilterFrame.MaxChunkSize);
        PacketWriter.WriteRaw(_output, (byte)MilterCommand.Body, chunk.Span);
        return ReplyAsync(MilterProtocolFlags.NoReplyBody, cancellationToken);
    }

    public async Task<EndOfMessageResult> EndOfMessageAsync(CancellationToken cancellationToken = default)
    {
        PacketWriter.WriteEmpty(_output, (byte)MilterCommand.EndOfMessage);
        await _output.FlushAsync(cancellationToken);
        var modifications = new List<MilterModification>();
        while (true)
        {
            var (code, payload) = await ReadFrameAsync(cancellationToken);
            var reply = (MilterReplyCode)code;
            if (reply == MilterReplyCode.Progress)
            {
                ProgressCount++;
                continue;
            }

            if (TryParseModification(reply, payload, out var modification))
            {
                modifications.Add(modification);
                continue;
            }

            return new EndOfMessageResult(modifications, ParseFinal(reply, payload));
        }
    }

    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        PacketWriter.WriteEmpty(_output, (byte)MilterCommand.Abort);
        await _output.FlushAsync(cancellationToken);
    }

    public async Task QuitAsync(CancellationToken cancellationToken = default)
    {
        PacketWriter.WriteEmpty(_output, (byte)MilterCommand.Quit);
        await _output.FlushAsync(cancellationToken);
    }

    public async Task QuitNewConnectionAsync(CancellationToken cancellationToken = default)
    {
        SessionOpened = false;
        PacketWriter.WriteEmpty(_output, (byte)MilterCommand.QuitNewConnection);
        await _output.FlushAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        try
        {
            await _output.CompleteAsync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // Unsent bytes for a filter that already closed the connection: nothing to deliver them to.
        }

        await _stream.DisposeAsync();
    }

    private bool Suppressed(MilterProtocolFlags flag) => (Negotiated.Protocol & flag) != 0;

    private Task<MilterClientReply?> StringsAsync(MilterCommand command, MilterProtocolFlags noStep, MilterProtocolFlags noReply, IReadOnlyList<string> strings, CancellationToken cancellationToken)
    {
        if (Suppressed(noStep))
        {
            return Task.FromResult<MilterClientReply?>(null);
        }

        PacketWriter.WriteStrings(_output, (byte)command, [.. strings]);
        return ReplyAsync(noReply, cancellationToken);
    }

    private async Task<MilterClientReply?> ReplyAsync(MilterProtocolFlags noReply, CancellationToken cancellationToken)
    {
        if (Suppressed(noReply))
        {
            // Like Postfix with NR_HDR: no reply is due, so the packet waits in the buffer and goes out
            // with the next command that has one (fewer writes, same bytes).
            return null;
        }

        await _output.FlushAsync(cancellationToken);

        while (true)
        {
            var (code, payload) = await ReadFrameAsync(cancellationToken);
            if (code == (byte)MilterReplyCode.Progress)
            {
                ProgressCount++;
                continue;
            }

            return ParseFinal((MilterReplyCode)code, payload);
        }
    }

    private static MilterClientReply ParseFinal(MilterReplyCode code, byte[] payload)
    {
        switch (code)
        {
            case MilterReplyCode.Continue:
            case MilterReplyCode.Accept:
            case MilterReplyCode.Reject:
            case MilterReplyCode.Tempfail:
            case MilterReplyCode.Discard:
            case MilterReplyCode.Skip:
            case MilterReplyCode.Shutdown:
                if (payload.Length != 0)
                {
                    // Postfix: "reply ... was followed by N data bytes" and the milter counts as failed.
                    MilterProtocolException.Throw(MilterProtocolError.MalformedPayload,
                        $"reply '{(char)code}' was followed by {payload.Length} data bytes");
                }

                return new MilterClientReply(code);
            case MilterReplyCode.ReplyCode:
                var reader = new PayloadReader(payload);
                return new MilterClientReply(code, reader.ReadString("reply text"));
            default:
                MilterProtocolException.Throw(MilterProtocolError.UnknownReply, $"unexpected filter response '{(char)code}'");
                return null!;
        }
    }

    private static bool TryParseModification(MilterReplyCode code, byte[] payload, out MilterModification modification)
    {
        var reader = new PayloadReader(payload);
        switch (code)
        {
            case MilterReplyCode.AddHeader:
                modification = new MilterModification
                {
                    Code = code,
                    Name = Encoding.Latin1.GetString(reader.ReadCString("header name")),
                    Value = reader.ReadCString("header value").ToArray(),
                };
                return true;
            case MilterReplyCode.InsertHeader:
            case MilterReplyCode.ChangeHeader:
                modification = new MilterModification
                {
                    Code = code,
                    Index = reader.ReadUInt32("header index"),
                    Name = Encoding.Latin1.GetString(reader.ReadCString("header name")),
                    Value = reader.ReadCString("header value").ToArray(),
                };
                return true;
            case MilterReplyCode.ReplaceBody:
                modification = new MilterModification { Code = code, Body = payload };
                return true;
            case MilterReplyCode.AddRecipient:
            case MilterReplyCode.DeleteRecipient:
                modification = new MilterModification { Code = code, Address = reader.ReadCString("address").ToArray() };
                return true;
            case MilterReplyCode.AddRecipientWithArgs:
            case MilterReplyCode.ChangeFrom:
                var address = reader.ReadCString("address").ToArray();
                string? args = reader.End ? null : reader.ReadString("arguments");
                modification = new MilterModification { Code = code, Address = address, Arguments = args };
                return true;
            case MilterReplyCode.Quarantine:
                modification = new MilterModification { Code = code, Arguments = reader.End ? string.Empty : reader.ReadString("reason") };
                return true;
            default:
                modification = null!;
                return false;
        }
    }

    private async Task<(byte Code, byte[] Payload)> ReadFrameAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (MilterFrame.TryRead(ref buffer, _maxPacketSize, out var frame))
            {
                var payload = frame.Payload.ToArray();
                _input.AdvanceTo(buffer.Start);
                return (frame.Code, payload);
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new MilterProtocolException(MilterProtocolError.Truncated,
                    buffer.IsEmpty ? "the filter closed the connection" : "the filter closed the connection inside a packet");
            }
        }
    }
}
