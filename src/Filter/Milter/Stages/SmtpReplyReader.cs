using System.Globalization;
using System.Text;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>Reads SMTP replies (RFC 5321 §4.2: "code-text" continuation lines, then "code text"), at most
/// 100 lines of 4 KiB each, from a stream.</summary>
internal sealed class SmtpReplyReader
{
    private const int MaxLine = 4096;
    private const int MaxLines = 100;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[MaxLine];
    private int _start;
    private int _end;

    public SmtpReplyReader(Stream stream)
    {
        _stream = stream;
    }

    public sealed record Reply(int Code, IReadOnlyList<string> Lines);

    public async Task<Reply> ReadAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        while (lines.Count < MaxLines)
        {
            string line = await ReadLineAsync(ct);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int code))
            {
                throw new IOException($"not an SMTP reply: \"{line}\"");
            }

            lines.Add(line.Length > 4 ? line[4..] : string.Empty);
            if (line.Length == 3 || line[3] != '-')
            {
                return new Reply(code, lines);
            }
        }

        throw new IOException("an SMTP reply of more than 100 lines");
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                string line = Encoding.UTF8.GetString(_buffer, _start, lf - _start).TrimEnd('\r');
                _start = lf + 1;
                return line;
            }

            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("an SMTP reply line longer than 4 KiB");
            }

            int n = await _stream.ReadAsync(_buffer.AsMemory(_end), ct);
            if (n == 0)
            {
                throw new IOException("the SMTP server closed the connection");
            }

            _end += n;
        }
    }
}
