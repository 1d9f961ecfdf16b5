using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging;

namespace MailFilter.Milter;

/// <summary>
/// The protocol state machine of one MTA connection (reference §2): checks that each command is legal
/// in the current state, keeps macros, collects the message, calls the handler, and writes exactly the
/// replies the negotiation calls for. I/O stays outside: the caller reads frames and passes them in.
/// </summary>
internal sealed class MilterSession : IDisposable
{
    private enum Stage
    {
        None,
        Mail,
        Recipient,
        Data,
        Headers,
        EndOfHeaders,
        Body,
        /// <summary>A verdict ended the message (or EOM was answered); only ABORT is expected.</summary>
        Finished,
    }

    private readonly MilterHandler _handler;
    private readonly MilterOptions _options;
    private readonly ILogger _logger;
    private readonly PipeWriter _output;
    private readonly List<KeyValuePair<string, string>> _macroScratch = new(8);
    private bool _negotiated;
    private bool _connected;
    private bool _closed;
    private Stage _stage;
    private MilterResponse? _pendingVerdict;
    private IReadOnlyDictionary<MacroStage, string>? _symbolLists;

    public MilterSession(long connectionId, MilterHandler handler, MilterOptions options, ILogger logger, PipeWriter output)
    {
        _handler = handler;
        _options = options;
        _logger = logger;
        _output = output;
        Context = new MilterContext(connectionId);
    }

    public MilterContext Context { get; }

    /// <summary>True between MAIL and the end of the message.</summary>
    public bool InTransaction => _stage is not (Stage.None or Stage.Finished);

    /// <summary>True between messages: after the ABORT that follows every message (or before the first).
    /// A graceful stop closes the connection only then, so the MTA's ABORT does not hit a closed socket.</summary>
    public bool IsIdle => _stage == Stage.None;

    private bool Has(MilterProtocolFlags flag) => (Context.Negotiated.Protocol & flag) != 0;

    /// <summary>Handles one frame; returns false when the connection must close (QUIT).</summary>
    public async ValueTask<bool> ProcessAsync(MilterFrame frame, CancellationToken cancellationToken)
    {
        var command = (MilterCommand)frame.Code;
        if (!_negotiated && command != MilterCommand.OptionNegotiation)
        {
            Unexpected(command, "before option negotiation");
        }

        switch (command)
        {
            case MilterCommand.OptionNegotiation:
                await NegotiateAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.Macro:
                StoreMacros(frame.Payload);
                return true;
            case MilterCommand.Connect:
                await ConnectAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.Helo:
                await HeloAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.Mail:
                await MailAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.Recipient:
                await RecipientAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.Data:
                await DataAsync(cancellationToken);
                return true;
            case MilterCommand.Header:
                await HeaderAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.EndOfHeaders:
                await EndOfHeadersAsync(cancellationToken);
                return true;
            case MilterCommand.Body:
                await BodyAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.EndOfMessage:
                await EndOfMessageAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.Abort:
                Abort();
                return true;
            case MilterCommand.Unknown:
                await UnknownAsync(frame.Payload, cancellationToken);
                return true;
            case MilterCommand.Quit:
                Close();
                return false;
            case MilterCommand.QuitNewConnection:
                // Same socket, new SMTP session: keep the negotiation, forget everything else.
                Abort();
                CloseHandler();
                _closed = false;
                _connected = false;
                Context.Client = null;
                Context.Helo = null;
                Context.Macros.ClearAll();
                return true;
            default:
                MilterProtocolException.Throw(MilterProtocolError.UnknownCommand, $"unknown command 0x{frame.Code:x2}");
                return false;
        }
    }

    /// <summary>The connection ended without QUIT (EOF, error, shutdown): abort and close once.</summary>
    public void Close()
    {
        Abort();
        CloseHandler();
    }

    public void Dispose() => Close();

    private async ValueTask NegotiateAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (_negotiated)
        {
            Unexpected(MilterCommand.OptionNegotiation, "a second time in one session");
        }

        var offer = OptionNegotiation.Parse(Contiguous(payload, out var rented));
        Return(rented);
        var reply = MilterNegotiation.Negotiate(offer, _handler.Features);
        Context.Negotiated = reply;
        _negotiated = true;
        _symbolLists = (reply.Actions & MilterActions.SetSymbolList) != 0 ? _handler.Features.Macros : null;
        reply.Write(_output, _symbolLists);
        await _output.FlushAsync(ct);
        Log.Negotiated(_logger, Context.ConnectionId, offer.Version, (uint)offer.Actions, (uint)offer.Protocol,
            reply.Version, (uint)reply.Actions, (uint)reply.Protocol);
    }

    private void StoreMacros(ReadOnlySequence<byte> payload)
    {
        _macroScratch.Clear();
        byte stage = MacroCommand.ParseInto(Contiguous(payload, out var rented), _macroScratch);
        Return(rented);
        Context.Macros.Set(stage, _macroScratch);
    }

    private async ValueTask ConnectAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (_connected || _stage != Stage.None)
        {
            Unexpected(MilterCommand.Connect, "after the session was already connected");
        }

        Context.Client = ConnectCommand.Parse(Contiguous(payload, out var rented));
        Return(rented);
        _connected = true;
        var verdict = await CallAsync(_handler.OnConnectAsync(Context, ct), !Has(MilterProtocolFlags.NoReplyConnect), ct);
        await ReplyAsync(MilterCommand.Connect, verdict, MilterProtocolFlags.NoReplyConnect, ct);
    }

    private async ValueTask HeloAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (InTransaction)
        {
            Unexpected(MilterCommand.Helo, "inside a transaction");
        }

        var reader = new PayloadReader(Contiguous(payload, out var rented));
        try
        {
            Context.Helo = reader.ReadString("helo");
        }
        finally
        {
            Return(rented);
        }

        var verdict = await CallAsync(_handler.OnHeloAsync(Context, ct), !Has(MilterProtocolFlags.NoReplyHelo), ct);
        await ReplyAsync(MilterCommand.Helo, verdict, MilterProtocolFlags.NoReplyHelo, ct);
    }

    private async ValueTask MailAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (InTransaction)
        {
            Unexpected(MilterCommand.Mail, "inside a transaction (no ABORT since the last MAIL)");
        }

        DisposeMessage();
        var (address, args) = EnvelopeCommand.Parse(Contiguous(payload, out var rented), "sender");
        Return(rented);
        var sender = new EnvelopeAddress(address, args);
        Context.Message = new MilterMessage(sender, new BodySpool(_options.SpoolMemoryThreshold, _options.SpoolDirectory));
        _stage = Stage.Mail;
        _pendingVerdict = null;
        var verdict = await CallAsync(_handler.OnMailFromAsync(Context, sender, ct), !Has(MilterProtocolFlags.NoReplyMail), ct);
        await MessageReplyAsync(MilterCommand.Mail, verdict, MilterProtocolFlags.NoReplyMail, ct);
    }

    private async ValueTask RecipientAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (_stage == Stage.Finished)
        {
            return; // the message already has its verdict; Postfix sends nothing more, others are ignored
        }

        if (_stage is not (Stage.Mail or Stage.Recipient))
        {
            Unexpected(MilterCommand.Recipient, $"in stage {_stage}");
        }

        var (address, args) = EnvelopeCommand.Parse(Contiguous(payload, out var rented), "recipient");
        Return(rented);
        var recipient = new EnvelopeAddress(address, args);
        bool rejectedByMta = Has(MilterProtocolFlags.RejectedRecipients) && Context.Macros.Get("rcpt_mailer") == "error";
        _stage = Stage.Recipient;
        var verdict = await CallAsync(_handler.OnRecipientAsync(Context, recipient, rejectedByMta, ct), !Has(MilterProtocolFlags.NoReplyRecipient), ct);
        if (!rejectedByMta && verdict.Kind is MilterResponseKind.Continue or MilterResponseKind.Skip or MilterResponseKind.Accept)
        {
            Context.Message!.AcceptRecipient(recipient);
        }

        // A refusal at RCPT refuses that recipient only; the transaction goes on.
        bool recipientOnly = verdict.Kind is MilterResponseKind.Reject or MilterResponseKind.Tempfail or MilterResponseKind.Reply;
        if (recipientOnly && !rejectedByMta && Has(MilterProtocolFlags.NoReplyRecipient))
        {
            // Under NR_RCPT the MTA keeps every recipient, so this one cannot be refused alone (a handler that negotiated
            // no RCPT answers and refuses anyway, e.g. after a configuration reload): the whole message is refused with
            // the same answer at its next reply, at the latest EOM. Never delivered to a recipient the handler refused.
            _pendingVerdict ??= verdict;
            Log.RecipientRefusalForMessage(_logger, Context.ConnectionId, Context.QueueId ?? "-", recipient.Address, verdict);
            return;
        }

        if (recipientOnly)
        {
            await ReplyAsync(MilterCommand.Recipient, verdict, MilterProtocolFlags.NoReplyRecipient, ct);
            return;
        }

        await MessageReplyAsync(MilterCommand.Recipient, verdict, MilterProtocolFlags.NoReplyRecipient, ct);
    }

    private async ValueTask DataAsync(CancellationToken ct)
    {
        if (_stage == Stage.Finished)
        {
            return;
        }

        RequireBodyPhase(MilterCommand.Data, Stage.Recipient);
        _stage = Stage.Data;
        var verdict = await CallAsync(_handler.OnDataAsync(Context, ct), !Has(MilterProtocolFlags.NoReplyData), ct);
        await MessageReplyAsync(MilterCommand.Data, verdict, MilterProtocolFlags.NoReplyData, ct);
    }

    private async ValueTask HeaderAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (_stage == Stage.Finished)
        {
            return;
        }

        RequireBodyPhase(MilterCommand.Header, Stage.Headers);
        _stage = Stage.Headers;
        var message = Context.Message!;
        if (message.Headers.Original.Count >= _options.MaxHeaderCount)
        {
            MilterProtocolException.Throw(MilterProtocolError.HeaderLimitExceeded,
                $"more than {_options.MaxHeaderCount} headers in one message");
        }

        var span = Contiguous(payload, out var rented);
        try
        {
            var header = HeaderCommand.Parse(span);
            if (message.Headers.ReceivedBytes + header.Name.Length + header.Value.Length > _options.MaxHeaderBytes)
            {
                MilterProtocolException.Throw(MilterProtocolError.HeaderLimitExceeded,
                    $"more than {_options.MaxHeaderBytes} header bytes in one message");
            }

            message.Headers.AddOriginal(Encoding.Latin1.GetString(header.Name), ToMessageForm(header.Value, Context.ExactHeaderValues));
        }
        finally
        {
            Return(rented);
        }

        var added = message.Headers.Original[^1];
        var verdict = await CallAsync(_handler.OnHeaderAsync(Context, added, ct), !Has(MilterProtocolFlags.NoReplyHeader), ct);
        await MessageReplyAsync(MilterCommand.Header, verdict, MilterProtocolFlags.NoReplyHeader, ct);
    }

    private async ValueTask EndOfHeadersAsync(CancellationToken ct)
    {
        if (_stage == Stage.Finished)
        {
            return;
        }

        RequireBodyPhase(MilterCommand.EndOfHeaders, Stage.Headers);
        _stage = Stage.EndOfHeaders;
        var verdict = await CallAsync(_handler.OnEndOfHeadersAsync(Context, ct), !Has(MilterProtocolFlags.NoReplyEndOfHeaders), ct);
        await MessageReplyAsync(MilterCommand.EndOfHeaders, verdict, MilterProtocolFlags.NoReplyEndOfHeaders, ct);
    }

    private async ValueTask BodyAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (_stage == Stage.Finished)
        {
            return;
        }

        RequireBodyPhase(MilterCommand.Body, Stage.Body);
        _stage = Stage.Body;
        AppendBody(payload);
        var verdict = await CallAsync(_handler.OnBodyChunkAsync(Context, ct), !Has(MilterProtocolFlags.NoReplyBody), ct);
        if (verdict.Kind == MilterResponseKind.Skip && Has(MilterProtocolFlags.Skip) && !Has(MilterProtocolFlags.NoReplyBody))
        {
            Context.Message!.BodySkipped = true;
        }

        await MessageReplyAsync(MilterCommand.Body, verdict, MilterProtocolFlags.NoReplyBody, ct);
    }

    private async ValueTask EndOfMessageAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        if (_stage == Stage.Finished)
        {
            return;
        }

        RequireBodyPhase(MilterCommand.EndOfMessage, Stage.Body);
        var message = Context.Message!;

        // libmilter treats data on EOM as a last body chunk; Postfix never sends any.
        if (!payload.IsEmpty)
        {
            AppendBody(payload);
        }

        _stage = Stage.Finished;
        MilterResponse verdict;
        if (_pendingVerdict is not null)
        {
            verdict = _pendingVerdict;
        }
        else if (_options.MaxMessageSize > 0 && message.Body.Length > _options.MaxMessageSize)
        {
            verdict = MilterResponse.WithReply(552, "5.3.4", "Message too big for the mail filter");
        }
        else
        {
            var call = _options.OffloadEndOfMessage
                ? new ValueTask<MilterResponse>(Task.Run(() => _handler.OnEndOfMessageAsync(Context, message, ct).AsTask(), ct))
                : _handler.OnEndOfMessageAsync(Context, message, ct);
            verdict = await CallAsync(call, true, ct);
        }

        if (verdict.Kind == MilterResponseKind.Skip)
        {
            verdict = MilterResponse.Continue;
        }

        if (verdict.Kind is MilterResponseKind.Continue or MilterResponseKind.Accept)
        {
            if (PlanModifications(message) is { } plan)
            {
                await WriteModificationsAsync(message, plan.Headers, plan.Envelope, ct);
            }
            else
            {
                // Never let a message through without the edits the pipeline decided (it might be the
                // encryption): the MTA keeps it and retries.
                verdict = MilterResponse.Tempfail;
            }
        }

        WriteReply(verdict);
        await _output.FlushAsync(ct);
    }

    private void Abort()
    {
        if (Context.Message is not null || _stage != Stage.None)
        {
            // After an answered EOM (or a final verdict) the ABORT that follows is routine cleanup.
            bool wasOpen = InTransaction;
            DisposeMessage();
            _stage = Stage.None;
            _pendingVerdict = null;
            Context.Macros.ClearMessage();
            if (wasOpen)
            {
                _handler.OnAbort(Context);
            }
        }
    }

    private async ValueTask UnknownAsync(ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        var reader = new PayloadReader(Contiguous(payload, out var rented));
        string command;
        try
        {
            command = reader.End ? string.Empty : reader.ReadString("unknown command");
        }
        finally
        {
            Return(rented);
        }

        var verdict = await CallAsync(_handler.OnUnknownCommandAsync(Context, command, ct), !Has(MilterProtocolFlags.NoReplyUnknown), ct);
        await ReplyAsync(MilterCommand.Unknown, verdict, MilterProtocolFlags.NoReplyUnknown, ct);
    }

    /// <summary>DATA, HEADER, EOH, BODY and EOM belong to a transaction that has recipients; with steps
    /// turned off (NORCPT, a version-2 MTA without DATA) the earlier stages stand in.</summary>
    private void RequireBodyPhase(MilterCommand command, Stage next)
    {
        bool ok = _stage switch
        {
            Stage.Mail => Has(MilterProtocolFlags.NoRecipient),
            Stage.Recipient or Stage.Data => true,
            Stage.Headers => next is Stage.Headers or Stage.EndOfHeaders or Stage.Body,
            Stage.EndOfHeaders or Stage.Body => next == Stage.Body,
            _ => false,
        };
        if (!ok)
        {
            Unexpected(command, _stage == Stage.None ? "outside a transaction" : $"in stage {_stage}");
        }
    }

    private void AppendBody(ReadOnlySequence<byte> payload)
    {
        var message = Context.Message!;
        // Past the size limit keep counting but stop storing: the verdict at EOM is a 552.
        if (_options.MaxMessageSize > 0 && message.Body.Length + payload.Length > _options.MaxMessageSize)
        {
            _pendingVerdict ??= MilterResponse.WithReply(552, "5.3.4", "Message too big for the mail filter");
            return;
        }

        message.Body.Append(payload);
    }

    private async ValueTask<MilterResponse> CallAsync(ValueTask<MilterResponse> call, bool replyExpected, CancellationToken ct)
    {
        if (call.IsCompletedSuccessfully)
        {
            return call.Result ?? MilterResponse.Continue;
        }

        try
        {
            return await CallCoreAsync(call, replyExpected, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A failing handler must not lose or leak mail: the MTA keeps the message and retries.
            Log.HandlerFailed(_logger, e, Context.ConnectionId, Context.QueueId ?? "-");
            return MilterResponse.Tempfail;
        }
    }

    private async ValueTask<MilterResponse> CallCoreAsync(ValueTask<MilterResponse> call, bool replyExpected, CancellationToken ct)
    {
        if (!replyExpected)
        {
            return await call ?? MilterResponse.Continue;
        }

        // While the handler works, tell the MTA to keep waiting (SMFIR_PROGRESS restarts its timer).
        var task = call.AsTask();
        using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        while (true)
        {
            var delay = Task.Delay(_options.ProgressInterval, delayCancel.Token);
            if (await Task.WhenAny(task, delay) == task)
            {
                await delayCancel.CancelAsync();
                return await task ?? MilterResponse.Continue;
            }

            PacketWriter.WriteEmpty(_output, (byte)MilterReplyCode.Progress);
            await _output.FlushAsync(ct);
        }
    }

    /// <summary>A reply in a message stage: a final verdict ends the message until ABORT. Under a no-reply
    /// flag the verdict is kept and given at the next step that has a reply (at the latest EOM).</summary>
    private async ValueTask MessageReplyAsync(MilterCommand command, MilterResponse verdict, MilterProtocolFlags noReply, CancellationToken ct)
    {
        if (Has(noReply))
        {
            if (verdict.IsFinal)
            {
                _pendingVerdict ??= verdict;
            }

            return;
        }

        if (_pendingVerdict is not null && !verdict.IsFinal)
        {
            verdict = _pendingVerdict;
        }

        if (verdict.IsFinal)
        {
            _stage = Stage.Finished;
        }

        WriteReply(verdict);
        await _output.FlushAsync(ct);
        Log.Replied(_logger, Context.ConnectionId, (char)command, verdict);
    }

    private async ValueTask ReplyAsync(MilterCommand command, MilterResponse verdict, MilterProtocolFlags noReply, CancellationToken ct)
    {
        if (Has(noReply))
        {
            return;
        }

        if (verdict.Kind == MilterResponseKind.Discard && command is MilterCommand.Connect or MilterCommand.Helo)
        {
            // Postfix ignores DISCARD here with a warning; say what the handler meant instead of a no-op.
            Log.DiscardAtConnect(_logger, Context.ConnectionId);
            verdict = MilterResponse.Continue;
        }

        WriteReply(verdict);
        await _output.FlushAsync(ct);
        Log.Replied(_logger, Context.ConnectionId, (char)command, verdict);
    }

    private void WriteReply(MilterResponse verdict)
    {
        var code = verdict.ReplyCode(Has(MilterProtocolFlags.Skip));
        if (code == MilterReplyCode.ReplyCode)
        {
            PacketWriter.WriteStrings(_output, (byte)code, verdict.Reply!.ToWireText());
        }
        else
        {
            PacketWriter.WriteEmpty(_output, (byte)code);
        }
    }

    /// <summary>The edits as milter actions, checked against the negotiated rights before anything is
    /// written: an edit the MTA did not grant would be a configuration error on its side.</summary>
    private (List<MilterModification> Headers, List<MilterModification> Envelope)? PlanModifications(MilterMessage message)
    {
        var actions = Context.Negotiated.Actions;
        var headers = MilterEditPlanner.PlanHeaders(message.Headers);
        var envelope = MilterEditPlanner.PlanEnvelope(message);
        var missing = MilterActions.None;
        foreach (var m in headers.Concat(envelope))
        {
            var needed = RightFor(m.Code);
            if ((actions & needed) == 0)
            {
                missing |= needed;
            }
        }

        if (message.ReplacementBody is not null && (actions & MilterActions.ChangeBody) == 0)
        {
            missing |= MilterActions.ChangeBody;
        }

        if (missing != MilterActions.None)
        {
            Log.RightsMissing(_logger, Context.ConnectionId, Context.QueueId ?? "-", missing);
            return null;
        }

        return (headers, envelope);
    }

    private static MilterActions RightFor(MilterReplyCode code) => code switch
    {
        MilterReplyCode.AddHeader or MilterReplyCode.InsertHeader => MilterActions.AddHeaders,
        MilterReplyCode.ChangeHeader => MilterActions.ChangeHeaders,
        MilterReplyCode.DeleteRecipient => MilterActions.DeleteRecipients,
        MilterReplyCode.AddRecipient => MilterActions.AddRecipients,
        MilterReplyCode.AddRecipientWithArgs => MilterActions.AddRecipientsWithArgs,
        MilterReplyCode.ChangeFrom => MilterActions.ChangeFrom,
        MilterReplyCode.ReplaceBody => MilterActions.ChangeBody,
        _ => MilterActions.Quarantine,
    };

    private async ValueTask WriteModificationsAsync(MilterMessage message, List<MilterModification> headers, List<MilterModification> envelope, CancellationToken ct)
    {
        foreach (var m in headers)
        {
            WriteHeaderModification(m);
        }

        if (message.ReplacementBody is { } body)
        {
            await WriteBodyAsync(body, ct);
        }

        foreach (var m in envelope)
        {
            if (m.Code == MilterReplyCode.Quarantine)
            {
                PacketWriter.WriteStrings(_output, (byte)m.Code, m.Arguments ?? string.Empty);
            }
            else if (m.Arguments is not null)
            {
                PacketWriter.WriteByteStrings(_output, (byte)m.Code, m.Address, Encoding.UTF8.GetBytes(m.Arguments));
            }
            else
            {
                PacketWriter.WriteRaw(_output, (byte)m.Code, [.. m.Address!, 0]);
            }
        }
    }

    private void WriteHeaderModification(MilterModification m)
    {
        var name = Encoding.ASCII.GetBytes(m.Name!);
        var value = ToWireForm(m.Value!, Context.ExactHeaderValues);
        switch (m.Code)
        {
            case MilterReplyCode.AddHeader:
                PacketWriter.WriteByteStrings(_output, (byte)m.Code, name, value);
                break;
            default:
                PacketWriter.WriteIndexedHeader(_output, (byte)m.Code, m.Index, name, value);
                break;
        }
    }

    private async ValueTask WriteBodyAsync(Stream body, CancellationToken ct)
    {
        // One consecutive run of REPLBODY packets of at most 65,535 bytes each (Postfix refuses a second
        // run after other edits; libmilter refuses larger packets).
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MilterFrame.MaxChunkSize);
        try
        {
            while (true)
            {
                int filled = 0;
                while (filled < MilterFrame.MaxChunkSize)
                {
                    int n = await body.ReadAsync(buffer.AsMemory(filled, MilterFrame.MaxChunkSize - filled), ct);
                    if (n == 0)
                    {
                        break;
                    }

                    filled += n;
                }

                if (filled == 0)
                {
                    break;
                }

                PacketWriter.WriteRaw(_output, (byte)MilterReplyCode.ReplaceBody, buffer.AsSpan(0, filled));
                await _output.FlushAsync(ct);
                if (filled < MilterFrame.MaxChunkSize)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Wire value (LF folds; one leading space removed by Postfix unless HDR_LEADSPC) to message
    /// form (CRLF folds, exact bytes after the colon).</summary>
    internal static byte[] ToMessageForm(ReadOnlySpan<byte> wire, bool exact)
    {
        int extra = exact ? 0 : 1;
        int lf = 0;
        for (int i = 0; i < wire.Length; i++)
        {
            if (wire[i] == (byte)'\n' && (i == 0 || wire[i - 1] != (byte)'\r'))
            {
                lf++;
            }
        }

        var result = new byte[wire.Length + extra + lf];
        int o = 0;
        if (!exact)
        {
            result[o++] = (byte)' ';
        }

        for (int i = 0; i < wire.Length; i++)
        {
            if (wire[i] == (byte)'\n' && (i == 0 || wire[i - 1] != (byte)'\r'))
            {
                result[o++] = (byte)'\r';
            }

            result[o++] = wire[i];
        }

        return result;
    }

    /// <summary>Message form to wire form: folds as bare LF (a CRLF would leave a stray CR in the queue
    /// file, pitfall 4); without HDR_LEADSPC one leading space is dropped because Postfix adds one.</summary>
    internal static byte[] ToWireForm(byte[] messageForm, bool exact)
    {
        ReadOnlySpan<byte> span = messageForm;
        if (!exact && span.Length > 0 && span[0] == (byte)' ')
        {
            span = span[1..];
        }

        if (span.IndexOf((byte)'\r') < 0)
        {
            return span.ToArray();
        }

        var result = new List<byte>(span.Length);
        for (int i = 0; i < span.Length; i++)
        {
            if (span[i] == (byte)'\r' && i + 1 < span.Length && span[i + 1] == (byte)'\n')
            {
                continue;
            }

            result.Add(span[i]);
        }

        return [.. result];
    }

    private void DisposeMessage()
    {
        Context.Message?.Dispose();
        Context.Message = null;
    }

    private void CloseHandler()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _handler.OnClose(Context);
    }

    private static void Unexpected(MilterCommand command, string when) =>
        MilterProtocolException.Throw(MilterProtocolError.UnexpectedCommand, $"command '{(char)command}' {when}");

    private static ReadOnlySpan<byte> Contiguous(ReadOnlySequence<byte> payload, out byte[]? rented)
    {
        if (payload.IsSingleSegment)
        {
            rented = null;
            return payload.FirstSpan;
        }

        rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        payload.CopyTo(rented);
        return rented.AsSpan(0, (int)payload.Length);
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
