using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using MailFilter.Crypto.Keys;

namespace MailFilter.Crypto.Age;

/// <summary>
/// Encrypts an age v1 payload (STREAM, 64 KiB chunks of ChaCha20-Poly1305) while the plaintext is
/// produced, in constant memory: one chunk buffer. A full chunk is sealed only when more plaintext
/// arrives, so the chunk that <see cref="CompleteAsync"/> seals is the last one, as age requires
/// (only an empty payload has an empty final chunk).
/// </summary>
internal sealed class AgePayloadWriter : IDisposable
{
    private readonly Stream _output;
    private readonly ChaCha20Poly1305 _aead;
    private readonly byte[] _chunk;
    private readonly byte[] _nonceBytes;
    private int _count;
    private ulong _counter;
    private bool _nonceWritten;
    private bool _completed;

    public AgePayloadWriter(Stream output, FileKey fileKey, ReadOnlySpan<byte> payloadNonce)
    {
        Debug.Assert(payloadNonce.Length == AgeFormat.NonceSize);
        _output = output;
        _nonceBytes = payloadNonce.ToArray();
        _aead = AgeFormat.CreatePayloadCipher(fileKey, payloadNonce);
        _chunk = ArrayPool<byte>.Shared.Rent(AgeFormat.EncryptedChunkSize);
    }

    /// <summary>Plaintext bytes accepted so far.</summary>
    public long Position { get; private set; }

    /// <summary>Appends plaintext.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            await EnsureSpaceAsync(cancellationToken).ConfigureAwait(false);
            var free = GetFreeMemory();
            int n = Math.Min(free.Length, data.Length);
            data.Span[..n].CopyTo(free.Span);
            Advance(n);
            data = data[n..];
        }
    }

    /// <summary>Seals the buffered chunk if it is full: more plaintext is coming, so it is not the last.</summary>
    public ValueTask EnsureSpaceAsync(CancellationToken cancellationToken) =>
        _count == AgeFormat.ChunkSize ? FlushChunkAsync(last: false, cancellationToken) : ValueTask.CompletedTask;

    /// <summary>The free part of the current chunk, for a producer that reads straight into it (after <see cref="EnsureSpaceAsync"/>).</summary>
    public Memory<byte> GetFreeMemory() => _chunk.AsMemory(_count, AgeFormat.ChunkSize - _count);

    public void Advance(int count)
    {
        Debug.Assert(count >= 0 && _count + count <= AgeFormat.ChunkSize);
        _count += count;
        Position += count;
    }

    /// <summary>Seals the final chunk.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        Debug.Assert(!_completed);
        await FlushChunkAsync(last: true, cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    public void Dispose()
    {
        _aead.Dispose();
        CryptographicOperations.ZeroMemory(_chunk.AsSpan(0, AgeFormat.EncryptedChunkSize));
        ArrayPool<byte>.Shared.Return(_chunk);
    }

    private async ValueTask FlushChunkAsync(bool last, CancellationToken cancellationToken)
    {
        if (!_nonceWritten)
        {
            await _output.WriteAsync(_nonceBytes, cancellationToken).ConfigureAwait(false);
            _nonceWritten = true;
        }

        SealInPlace(last);
        await _output.WriteAsync(_chunk.AsMemory(0, _count + AgeFormat.TagSize), cancellationToken).ConfigureAwait(false);
        _count = 0;
        _counter++;
    }

    private void SealInPlace(bool last)
    {
        Span<byte> nonce = stackalloc byte[12];
        AgeFormat.ChunkNonce(_counter, last, nonce);
        var plaintext = _chunk.AsSpan(0, _count);
        _aead.Encrypt(nonce, plaintext, plaintext, _chunk.AsSpan(_count, AgeFormat.TagSize));
    }
}
