using System.Buffers;
using System.Security.Cryptography;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// SHA-256 of a body under "relaxed" canonicalization (RFC 6376 §3.4.4), streaming: WSP at line ends
/// removed, other WSP runs reduced to one SP, empty lines at the end ignored, a final CRLF added to
/// a non-empty body that lacks one. Only CRLF ends a line; a lone CR or LF is an ordinary byte (as in
/// dkimpy). WSP on an unterminated last line is trailing WSP and is removed. The canonical bytes are
/// collected in a buffer and hashed in blocks: text has a space every few bytes, and one hash call per
/// word cost more than everything else in signing a large message.
/// </summary>
internal sealed class RelaxedBodyHasher : IDisposable
{
    private const int OutputSize = 32 * 1024;
    private static readonly SearchValues<byte> s_special = SearchValues.Create(" \t\r"u8);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _output = ArrayPool<byte>.Shared.Rent(OutputSize);
    private int _outputLength;
    private int _pendingLineBreaks;
    private bool _pendingSpace;
    private bool _pendingCr;
    private bool _lineHasContent;
    private bool _anyOutput;

    public static async Task<byte[]> HashAsync(Stream body, CancellationToken cancellationToken)
    {
        using var hasher = new RelaxedBodyHasher();
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hasher.Finish();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        int i = 0;
        while (i < data.Length)
        {
            if (_pendingCr)
            {
                _pendingCr = false;
                if (data[i] == (byte)'\n')
                {
                    // End of line: trailing WSP is dropped, the break waits to see whether content follows.
                    _pendingSpace = false;
                    _pendingLineBreaks++;
                    _lineHasContent = false;
                    i++;
                    continue;
                }

                EmitContent("\r"u8);
            }

            byte b = data[i];
            if (b is (byte)' ' or (byte)'\t')
            {
                _pendingSpace = true;
                i++;
                continue;
            }

            if (b == (byte)'\r')
            {
                _pendingCr = true;
                i++;
                continue;
            }

            int run = data[i..].IndexOfAny(s_special);
            if (run < 0)
            {
                run = data.Length - i;
            }

            EmitContent(data.Slice(i, run));
            i += run;
        }
    }

    public byte[] Finish()
    {
        if (_pendingCr)
        {
            EmitContent("\r"u8);
        }

        if (_lineHasContent || (_pendingLineBreaks > 0 && _anyOutput))
        {
            Output("\r\n"u8);
        }

        Flush();
        return _hash.GetHashAndReset();
    }

    public void Dispose()
    {
        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_output);
    }

    private void EmitContent(ReadOnlySpan<byte> content)
    {
        for (; _pendingLineBreaks > 0; _pendingLineBreaks--)
        {
            Output("\r\n"u8);
        }

        if (_pendingSpace)
        {
            Output(" "u8);
            _pendingSpace = false;
        }

        Output(content);
        _lineHasContent = true;
        _anyOutput = true;
    }

    private void Output(ReadOnlySpan<byte> bytes)
    {
        if (_outputLength + bytes.Length > OutputSize)
        {
            Flush();
            if (bytes.Length > OutputSize)
            {
                _hash.AppendData(bytes);
                return;
            }
        }

        bytes.CopyTo(_output.AsSpan(_outputLength));
        _outputLength += bytes.Length;
    }

    private void Flush()
    {
        _hash.AppendData(_output.AsSpan(0, _outputLength));
        _outputLength = 0;
    }
}
