using System.Buffers;
using System.IO.Pipelines;
using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging;

namespace MailFilter.Milter;

/// <summary>
/// The I/O loop of one MTA connection: read, parse frames in a loop, hand each to the session,
/// <c>AdvanceTo(consumed, examined)</c> in <c>finally</c>, then look at <c>IsCompleted</c>. A protocol
/// error or a timeout closes this connection only.
/// </summary>
public sealed class MilterConnection
{
    private readonly MilterSession _session;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly MilterOptions _options;
    private readonly ILogger _logger;
    private volatile bool _stopRequested;

    public MilterConnection(long id, Stream transport, MilterHandler handler, MilterOptions options, ILogger logger)
        : this(id, PipeReader.Create(transport, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024)),
            PipeWriter.Create(transport, new StreamPipeWriterOptions(minimumBufferSize: 4 * 1024)), handler, options, logger)
    {
    }

    public MilterConnection(long id, PipeReader input, PipeWriter output, MilterHandler handler, MilterOptions options, ILogger logger)
    {
        _input = input;
        _output = output;
        _options = options;
        _logger = logger;
        _session = new MilterSession(id, handler, options, logger, output);
    }

    public MilterContext Context => _session.Context;

    /// <summary>True while a message is between MAIL and its end.</summary>
    public bool InTransaction => _session.InTransaction;

    /// <summary>Ends the connection at the next point between messages (graceful stop).</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        if (_session.IsIdle)
        {
            _input.CancelPendingRead();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                if (_stopRequested && _session.IsIdle)
                {
                    Log.ClosedForShutdown(_logger, Context.ConnectionId);
                    return;
                }

                readTimeout.CancelAfter(_options.ReadTimeout);
                ReadResult result;
                try
                {
                    result = await _input.ReadAsync(readTimeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Log.ReadTimeout(_logger, Context.ConnectionId, _options.ReadTimeout.TotalSeconds);
                    return;
                }

                readTimeout.CancelAfter(Timeout.InfiniteTimeSpan);
                if (!readTimeout.TryReset())
                {
                    return;
                }

                var buffer = result.Buffer;
                var consumed = buffer.Start;
                try
                {
                    while (MilterFrame.TryRead(ref buffer, _options.MaxPacketSize, out var frame))
                    {
                        bool keepOpen = await _session.ProcessAsync(frame, cancellationToken);
                        consumed = buffer.Start;
                        if (!keepOpen)
                        {
                            return;
                        }
                    }
                }
                finally
                {
                    _input.AdvanceTo(consumed, result.Buffer.End);
                }

                if (result.IsCompleted)
                {
                    // EOF counts as QUIT (Postfix closes without QUIT after connect-stage verdicts); bytes
                    // left over were a truncated packet, and an open message is aborted.
                    if (!buffer.IsEmpty)
                    {
                        Log.ProtocolError(_logger, Context.ConnectionId, Context.QueueId ?? "-", MilterProtocolError.Truncated,
                            $"connection closed inside a packet ({buffer.Length} bytes pending)");
                    }

                    return;
                }
            }
        }
        catch (MilterProtocolException e)
        {
            Log.ProtocolError(_logger, Context.ConnectionId, Context.QueueId ?? "-", e.Error, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.ClosedForShutdown(_logger, Context.ConnectionId);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The peer went away while we wrote or read: nothing to answer any more.
            Log.ConnectionLost(_logger, Context.ConnectionId, e.Message);
        }
        finally
        {
            _session.Close();
            await _input.CompleteAsync();
            try
            {
                await _output.CompleteAsync();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                // Flushing the last bytes to a peer that is gone.
            }
        }
    }
}
