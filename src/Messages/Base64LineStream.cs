using System.Buffers;
using System.Buffers.Text;

namespace MailFilter.Messages;

/// <summary>
/// A write-only stream that base64-encodes what is written to it in lines of 76 characters ended by CRLF
/// (RFC 2045 §6.8; envelope.md §7), for streaming a binary part into a MIME body without holding it.
/// Output is batched into 64 KiB writes, in a pooled buffer (a message's carrier costs no 64 KiB allocation).
/// <see cref="CompleteAsync"/> writes the last, padded line and returns the buffer; so does disposing.
/// </summary>
public sealed class Base64LineStream : Stream
{
    /// <summary>57 input bytes make one line of 76 characters.</summary>
    public const int BytesPerLine = 57;

    private const int CharsPerLine = 76;
    private const int LineSize = CharsPerLine + 2;
    private const int LinesPerBatch = 840; // 840 × 78 = 65,520 bytes of output per write

    private readonly Stream _output;
    private readonly byte[] _pending = new byte[BytesPerLine];
    private byte[] _batch = ArrayPool<byte>.Shared.Rent(LinesPerBatch * LineSize);
    private readonly int _batchSize = LinesPerBatch * LineSize;
    private int _pendingCount;
    private int _batchUsed;
    private bool _completed;

    public Base64LineStream(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Bytes written so far (before encoding).</summary>
    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Encode(buffer, flushInline: true, out _);
        if (_batchUsed > _batchSize - LineSize)
        {
            FlushBatch();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            Encode(buffer.Span, flushInline: false, out int consumed);
            buffer = buffer[consumed..];
            if (_batchUsed > _batchSize - LineSize)
            {
                await _output.WriteAsync(_batch.AsMemory(0, _batchUsed), cancellationToken).ConfigureAwait(false);
                _batchUsed = 0;
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Writes the last line (padded) and everything batched; the stream takes no more input.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (_pendingCount > 0)
        {
            AppendLine(_pending.AsSpan(0, _pendingCount));
            _pendingCount = 0;
        }

        await _output.WriteAsync(_batch.AsMemory(0, _batchUsed), cancellationToken).ConfigureAwait(false);
        _batchUsed = 0;
        ReturnBatch();
    }

    public override void Flush()
    {
        // Only whole lines go out before CompleteAsync: a flush mid-line must not end the encoding.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _completed = true;
            ReturnBatch();
        }

        base.Dispose(disposing);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Encodes as much of <paramref name="input"/> as fits in the batch; with
    /// <paramref name="flushInline"/> (synchronous writes) a full batch is written at once, so all is consumed.</summary>
    private void Encode(ReadOnlySpan<byte> input, bool flushInline, out int consumed)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        consumed = 0;
        while (consumed < input.Length)
        {
            if (_batchUsed > _batchSize - LineSize)
            {
                if (!flushInline)
                {
                    return;
                }

                FlushBatch();
            }

            if (_pendingCount > 0 || input.Length - consumed < BytesPerLine)
            {
                int n = Math.Min(BytesPerLine - _pendingCount, input.Length - consumed);
                input.Slice(consumed, n).CopyTo(_pending.AsSpan(_pendingCount));
                _pendingCount += n;
                consumed += n;
                BytesWritten += n;
                if (_pendingCount == BytesPerLine)
                {
                    AppendLine(_pending);
                    _pendingCount = 0;
                }

                continue;
            }

            AppendLine(input.Slice(consumed, BytesPerLine));
            consumed += BytesPerLine;
            BytesWritten += BytesPerLine;
        }
    }

    private void ReturnBatch()
    {
        if (_batch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_batch);
            _batch = [];
        }
    }

    private void AppendLine(ReadOnlySpan<byte> line)
    {
        var target = _batch.AsSpan(_batchUsed);
        Base64.EncodeToUtf8(line, target, out _, out int written);
        target[written] = (byte)'\r';
        target[written + 1] = (byte)'\n';
        _batchUsed += written + 2;
    }

    private void FlushBatch()
    {
        _output.Write(_batch, 0, _batchUsed);
        _batchUsed = 0;
    }
}
