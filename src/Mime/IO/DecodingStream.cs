using System.Buffers;

namespace MailFilter.Mime;

/// <summary>Reads encoded content from an inner stream and returns it decoded, a chunk at a time.</summary>
public sealed class DecodingStream : Stream
{
    private readonly Stream _inner;
    private readonly IMimeDecoder _decoder;
    private readonly bool _leaveOpen;
    private readonly byte[] _input;
    private byte[] _output;
    private int _outStart;
    private int _outEnd;
    private bool _eof;

    public DecodingStream(Stream inner, IMimeDecoder decoder, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(decoder);
        _inner = inner;
        _decoder = decoder;
        _leaveOpen = leaveOpen;
        _input = ArrayPool<byte>.Shared.Rent(64 * 1024);
        _output = ArrayPool<byte>.Shared.Rent(decoder.GetMaxDecodedLength(_input.Length));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_outStart == _outEnd)
        {
            if (_eof)
            {
                return 0;
            }

            var n = _inner.Read(_input, 0, _input.Length);
            _outStart = 0;
            if (n == 0)
            {
                _eof = true;
                _outEnd = _decoder.Flush(_output);
            }
            else
            {
                _outEnd = _decoder.Decode(_input.AsSpan(0, n), _output);
            }
        }

        var count = Math.Min(buffer.Length, _outEnd - _outStart);
        _output.AsSpan(_outStart, count).CopyTo(buffer);
        _outStart += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }

            if (_output.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_input);
                ArrayPool<byte>.Shared.Return(_output);
                _output = [];
            }
        }

        base.Dispose(disposing);
    }
}
