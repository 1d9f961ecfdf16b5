using System.Buffers;
using System.Security.Cryptography;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Age;

/// <summary>
/// Decrypts an age v1 payload chunk by chunk in constant memory. Whether a full chunk is the last
/// one is decided by looking one byte ahead; every failure has its own <see cref="EnvelopeError"/>.
/// Plaintext of a chunk is authentic, but the payload as a whole is only known complete when
/// <see cref="ReadChunkAsync"/> returns false.
/// </summary>
internal sealed class AgePayloadReader : IDisposable
{
    private readonly Stream _input;
    private readonly FileKey _fileKey;
    private readonly byte[] _buffer;
    private readonly byte[] _plaintext;
    private ReadOnlyMemory<byte> _leftover;
    private ChaCha20Poly1305? _aead;
    private int _length;
    private ulong _counter;
    private bool _finished;
    private bool _endOfInput;

    public AgePayloadReader(Stream input, FileKey fileKey, ReadOnlyMemory<byte> leftover)
    {
        _input = input;
        _fileKey = fileKey;
        _leftover = leftover;
        _buffer = ArrayPool<byte>.Shared.Rent(AgeFormat.EncryptedChunkSize + 1);
        _plaintext = ArrayPool<byte>.Shared.Rent(AgeFormat.ChunkSize);
    }

    /// <summary>The plaintext of the chunk last read; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>Reads and authenticates the next chunk; false after the final chunk (with the input at its end).</summary>
    public async ValueTask<bool> ReadChunkAsync(CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return false;
        }

        if (_aead is null)
        {
            await FillAsync(AgeFormat.NonceSize, cancellationToken).ConfigureAwait(false);
            if (_length < AgeFormat.NonceSize)
            {
                EnvelopeException.Throw(EnvelopeError.PayloadTruncated, "in the payload nonce");
            }

            _aead = AgeFormat.CreatePayloadCipher(_fileKey, _buffer.AsSpan(0, AgeFormat.NonceSize));
            Consume(AgeFormat.NonceSize);
        }

        // One byte beyond a full chunk tells whether it is the last.
        await FillAsync(AgeFormat.EncryptedChunkSize + 1, cancellationToken).ConfigureAwait(false);
        if (_length > AgeFormat.EncryptedChunkSize)
        {
            int n = DecryptFullChunkFollowedByMore();
            Current = _plaintext.AsMemory(0, n);
            Consume(AgeFormat.EncryptedChunkSize);
            _counter++;
            return true;
        }

        Current = _plaintext.AsMemory(0, DecryptFinalChunk());
        _finished = true;
        return true;
    }

    public void Dispose()
    {
        _aead?.Dispose();
        CryptographicOperations.ZeroMemory(_plaintext.AsSpan(0, AgeFormat.ChunkSize));
        ArrayPool<byte>.Shared.Return(_plaintext);
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    private int DecryptFullChunkFollowedByMore()
    {
        var chunk = _buffer.AsSpan(0, AgeFormat.EncryptedChunkSize);
        if (TryOpen(chunk, last: false, out int n))
        {
            return n;
        }

        // A full final chunk followed by more bytes: the file was extended.
        if (TryOpen(chunk, last: true, out _))
        {
            EnvelopeException.Throw(EnvelopeError.PayloadTrailingData);
        }

        EnvelopeException.Throw(EnvelopeError.PayloadChunkInvalid, $"chunk {_counter}");
        return 0;
    }

    private int DecryptFinalChunk()
    {
        var chunk = _buffer.AsSpan(0, _length);
        if (_length < AgeFormat.TagSize)
        {
            EnvelopeException.Throw(EnvelopeError.PayloadTruncated, "no final chunk");
        }

        if (TryOpen(chunk, last: true, out int n))
        {
            if (n == 0 && _counter > 0)
            {
                EnvelopeException.Throw(EnvelopeError.PayloadEmptyFinalChunk);
            }

            return n;
        }

        // A full chunk sealed as "not last" at the end of input: the file was cut at a chunk boundary.
        if (_length == AgeFormat.EncryptedChunkSize && TryOpen(chunk, last: false, out _))
        {
            EnvelopeException.Throw(EnvelopeError.PayloadTruncated, "no final chunk");
        }

        EnvelopeException.Throw(EnvelopeError.PayloadChunkInvalid, $"chunk {_counter}");
        return 0;
    }

    private bool TryOpen(ReadOnlySpan<byte> chunk, bool last, out int plaintextLength)
    {
        Span<byte> nonce = stackalloc byte[12];
        AgeFormat.ChunkNonce(_counter, last, nonce);
        plaintextLength = chunk.Length - AgeFormat.TagSize;
        try
        {
            _aead!.Decrypt(nonce, chunk[..plaintextLength], chunk[plaintextLength..], _plaintext.AsSpan(0, plaintextLength));
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    private async ValueTask FillAsync(int wanted, CancellationToken cancellationToken)
    {
        while (_length < wanted)
        {
            if (!_leftover.IsEmpty)
            {
                int n = Math.Min(wanted - _length, _leftover.Length);
                _leftover.Span[..n].CopyTo(_buffer.AsSpan(_length));
                _leftover = _leftover[n..];
                _length += n;
                continue;
            }

            if (_endOfInput)
            {
                return;
            }

            int read = await _input.ReadAsync(_buffer.AsMemory(_length, wanted - _length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _endOfInput = true;
                return;
            }

            _length += read;
        }
    }

    private void Consume(int count)
    {
        _buffer.AsSpan(count, _length - count).CopyTo(_buffer);
        _length -= count;
    }
}
