using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using MailFilter.Filter.Delivery.Lmtp;
using MailFilter.Milter;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// One LMTP connection: the I/O shell around <see cref="LmtpSession"/>, <see cref="LmtpLineReader"/> and
/// <see cref="LmtpDataReader"/>. Every command already buffered is answered before the next read, and replies are
/// written only when the input runs dry (RFC 2920 §3: a server may batch replies, but must send them before it waits
/// for more input), so a pipelined MAIL/RCPT/.../DATA group costs one write.
/// </summary>
internal sealed class LmtpConnection
{
    private readonly Stream _stream;
    private readonly LmtpServerOptions _options;
    private readonly ILmtpDeliveryHandler _handler;
    private readonly LmtpSession _session;
    private readonly ArrayBufferWriter<byte> _replies = new(1024);
    private readonly CancellationTokenSource _idle = new();
    private LmtpLineReader _lines;
    private LmtpDataReader _data;
    private BodySpool? _spool;
    private SpoolSink? _sink;
    private volatile bool _stopRequested;

    public LmtpConnection(Stream stream, LmtpServerOptions options, ILmtpDeliveryHandler handler)
    {
        _stream = stream;
        _options = options;
        _handler = handler;
        _session = new LmtpSession(options.Session);
        _lines = new LmtpLineReader(options.Session.MaxLineLength);
    }

    private enum Step
    {
        NeedMore,
        Deliver,
        Close,
    }

    /// <summary>True from MAIL until the transaction's replies are sent.</summary>
    public bool InTransaction => _session.Transaction is not null;

    /// <summary>Stop after the transaction in flight (at once if idle), saying 421 so the client retries elsewhere or later.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        if (!InTransaction)
        {
            try
            {
                _idle.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The connection ended meanwhile: nothing to stop.
            }
        }
    }

    public async Task RunAsync(CancellationToken abort)
    {
        var reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        // One read timeout per connection and kind of read, re-armed for each read and reset after it (a source per
        // read cost a linked registration and a timer each time): between transactions a stop request (_idle) ends
        // the wait too; inside one only the timeout and abort do.
        var idleRead = CancellationTokenSource.CreateLinkedTokenSource(abort, _idle.Token);
        var transactionRead = CancellationTokenSource.CreateLinkedTokenSource(abort);
        try
        {
            Append(_session.Greeting);
            await FlushAsync(abort).ConfigureAwait(false);
            while (true)
            {
                ReadResult result;
                var timeout = InTransaction ? transactionRead : idleRead;
                timeout.CancelAfter(_options.ReadTimeout);
                try
                {
                    result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!abort.IsCancellationRequested)
                {
                    Append(_stopRequested ? LmtpReplies.ShuttingDown : LmtpReplies.Timeout);
                    await FlushAsync(abort).ConfigureAwait(false);
                    return;
                }

                // Disarms the timer; false when it fired after the read completed, so this source is done: a fresh one.
                if (!timeout.TryReset())
                {
                    timeout.Dispose();
                    if (timeout == idleRead)
                    {
                        idleRead = CancellationTokenSource.CreateLinkedTokenSource(abort, _idle.Token);
                    }
                    else
                    {
                        transactionRead = CancellationTokenSource.CreateLinkedTokenSource(abort);
                    }
                }

                var buffer = result.Buffer;
                var step = Process(buffer, out var consumed);
                // A step that stopped early has not looked at the rest: the next read must see it without waiting.
                reader.AdvanceTo(consumed, step == Step.NeedMore ? buffer.End : consumed);
                if (step == Step.Close)
                {
                    await FlushAsync(abort).ConfigureAwait(false);
                    return;
                }

                if (step == Step.Deliver)
                {
                    await DeliverAsync(abort).ConfigureAwait(false);
                    if (_stopRequested)
                    {
                        Append(LmtpReplies.ShuttingDown);
                        await FlushAsync(abort).ConfigureAwait(false);
                        return;
                    }

                    // The client waits for these replies before it says anything more (RFC 2033 §4.2).
                    await FlushAsync(abort).ConfigureAwait(false);
                    continue;
                }

                await FlushAsync(abort).ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    return; // EOF: a transaction without its end of data is dropped, and the client knows it was not answered
                }
            }
        }
        finally
        {
            _spool?.Dispose();
            await reader.CompleteAsync().ConfigureAwait(false);
            idleRead.Dispose();
            transactionRead.Dispose();
            _idle.Dispose();
        }
    }

    private Step Process(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            if (_session.InData)
            {
                var status = _data.Read(ref reader, _sink!);
                consumed = reader.Position;
                return status == LmtpDataStatus.Complete ? Step.Deliver : Step.NeedMore;
            }

            var found = _lines.TryRead(ref reader, out var line);
            if (found == LmtpLineStatus.NeedMore)
            {
                consumed = reader.Position;
                return Step.NeedMore;
            }

            var action = found == LmtpLineStatus.TooLong
                ? _session.LineTooLong(out var reply)
                : _session.Handle(LmtpCommand.Parse(line), out reply);
            Append(reply);
            if (action == LmtpSessionAction.Close)
            {
                consumed = reader.Position;
                return Step.Close;
            }

            if (action == LmtpSessionAction.StartData)
            {
                _spool = new BodySpool(_options.SpoolMemoryThreshold, _options.SpoolDirectory);
                _sink = new SpoolSink(_spool, _options.Session.MaxMessageSize);
                _data = new LmtpDataReader();
            }
        }
    }

    private async Task DeliverAsync(CancellationToken abort)
    {
        var transaction = _session.Transaction!;
        try
        {
            // A large message is verified (and opened) off the event loop this connection's input arrived on.
            await EventLoop.LeaveForAsync(_spool!.Length);
            var replies = await _handler.DeliverAsync(transaction, _spool!, _sink!.TooBig, abort).ConfigureAwait(false);
            if (replies.Count != transaction.Recipients.Count)
            {
                throw new InvalidOperationException($"the delivery handler gave {replies.Count} replies for {transaction.Recipients.Count} recipients");
            }

            foreach (var reply in replies)
            {
                Append(reply);
            }
        }
        finally
        {
            _spool!.Dispose();
            _spool = null;
            _sink = null;
            _session.EndData();
        }
    }

    private void Append(LmtpReply reply) => Encoding.UTF8.GetBytes(reply.ToWire(), _replies);

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_replies.WrittenCount == 0)
        {
            return;
        }

        await _stream.WriteAsync(_replies.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _replies.ResetWrittenCount();
    }
}
