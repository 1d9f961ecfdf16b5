using System.Buffers.Text;

namespace MailFilter.Mime;

/// <summary>Base64 for writing (RFC 2045 §6.8): lines of 76 characters, CRLF after each, including the last.</summary>
internal sealed class Base64Encoder
{
    private const int BytesPerLine = 57; // 76 characters
    private readonly byte[] _pending = new byte[BytesPerLine];
    private readonly byte[] _line = new byte[78];
    private int _pendingCount;

    public void Write(ReadOnlySpan<byte> data, Stream output)
    {
        if (_pendingCount > 0)
        {
            var take = Math.Min(BytesPerLine - _pendingCount, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            data = data[take..];
            if (_pendingCount < BytesPerLine)
            {
                return;
            }

            WriteLine(_pending, output);
            _pendingCount = 0;
        }

        while (data.Length >= BytesPerLine)
        {
            WriteLine(data[..BytesPerLine], output);
            data = data[BytesPerLine..];
        }

        data.CopyTo(_pending);
        _pendingCount = data.Length;
    }

    public void Finish(Stream output)
    {
        if (_pendingCount > 0)
        {
            WriteLine(_pending.AsSpan(0, _pendingCount), output);
            _pendingCount = 0;
        }
    }

    private void WriteLine(ReadOnlySpan<byte> bytes, Stream output)
    {
        Base64.EncodeToUtf8(bytes, _line, out _, out var written);
        _line[written] = (byte)'\r';
        _line[written + 1] = (byte)'\n';
        output.Write(_line, 0, written + 2);
    }
}
