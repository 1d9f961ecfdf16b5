using System.Security.Cryptography;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;

namespace MailFilter.AuthServer.Attachments;

/// <summary>
/// Content in, content out (docs/attachments.md §2-§3): stores plaintext once by SHA-256 (encrypted, under its keyed-hash
/// name, in the configured backend) with the row that records it, and serves byte ranges of it.
/// </summary>
public sealed class AttachmentStore : IDisposable
{
    private readonly AttachmentRepository _repository;
    private readonly AttachmentCipher _cipher;
    private readonly long? _quota;

    public AttachmentStore(IAttachmentBackend backend, AttachmentCipher cipher, AttachmentRepository repository, long? quota)
    {
        Backend = backend;
        _cipher = cipher;
        _repository = repository;
        _quota = quota;
    }

    public IAttachmentBackend Backend { get; }

    public long? Quota => _quota;

    public AttachmentCipher Cipher => _cipher;

    /// <summary>The backend <paramref name="settings"/> name (the S3 secret is read from its file here).</summary>
    public static IAttachmentBackend CreateBackend(AttachmentSettings settings)
    {
        if (settings.Store == "s3")
        {
            var secret = File.ReadAllText(settings.S3SecretKeyFile!).Trim();
            return new S3Backend(settings.S3Endpoint!, settings.S3Region, settings.S3Bucket!, settings.S3Prefix, settings.S3AccessKey!, secret, settings.S3Timeout);
        }

        return new FileSystemBackend(settings.Path);
    }

    /// <summary>
    /// Stores <paramref name="size"/> bytes of <paramref name="body"/> that must hash to <paramref name="sha256"/>. Returns true when
    /// they were written now, false when the content was stored already (the body is not read then). Throws
    /// <see cref="HashMismatchException"/>, <see cref="StoreFullException"/> (also over the quota) or <see cref="StoreUnavailableException"/>.
    /// </summary>
    public async Task<(AttachmentRow Row, bool Written)> PutAsync(byte[] sha256, Stream body, long size, CancellationToken cancellationToken)
    {
        var name = _cipher.ObjectName(sha256);
        long stored = AttachmentCipher.StoredSize(size);
        var claim = await _repository.BeginStoreAsync(sha256, size, name, stored, _quota, cancellationToken)
            ?? throw new StoreFullException($"the attachment store is over its quota of {_quota} bytes");
        if (!claim.Write)
        {
            return (claim.Row, false);
        }

        try
        {
            await Backend.WriteAsync(name, stored, (output, ct) => _cipher.EncryptAsync(sha256, body, size, output, ct), cancellationToken);
        }
        catch
        {
            await _repository.AbandonAsync(claim.Row.Id, CancellationToken.None);
            throw;
        }

        if (await _repository.MarkStoredAsync(claim.Row, cancellationToken))
        {
            return (claim.Row, true);
        }

        // The claim went while the object was written (MarkStoredAsync says how), and the collector may have deleted the
        // object with it. Claim again: once a claim of ours exists the collector leaves the object alone (it deletes an
        // object only under its row's lock, and a 'storing' row only after a day), so an object present now is whole.
        var again = await _repository.BeginStoreAsync(sha256, size, name, stored, _quota, cancellationToken)
            ?? throw new StoreFullException($"the attachment store is over its quota of {_quota} bytes");
        if (!again.Write)
        {
            return (again.Row, true);
        }

        if (await Backend.ExistsAsync(name, cancellationToken) && await _repository.MarkStoredAsync(again.Row, cancellationToken))
        {
            return (again.Row, true);
        }

        await _repository.AbandonAsync(again.Row.Id, CancellationToken.None);
        throw new StoreUnavailableException($"content {Convert.ToHexStringLower(sha256)} was collected while it was written: upload it again");
    }

    /// <summary>Writes plaintext bytes [<paramref name="start"/>, <paramref name="end"/>] of stored content to <paramref name="output"/>.</summary>
    public async Task CopyRangeAsync(byte[] sha256, long size, string objectName, long start, long end, Stream output, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return;
        }

        var (offset, length, firstChunk) = AttachmentCipher.StoredRange(size, start, end);
        await using var stored = await Backend.OpenReadAsync(objectName, offset, length, cancellationToken);
        try
        {
            await _cipher.DecryptRangeAsync(sha256, size, stored, firstChunk, start, end, output, cancellationToken);
        }
        catch (CryptographicException e)
        {
            throw new StoreUnavailableException($"object {objectName} does not decrypt (damaged, or sealed under another master key)", e);
        }
        catch (EndOfStreamException e)
        {
            throw new StoreUnavailableException($"object {objectName} is shorter than recorded", e);
        }
    }

    public void Dispose() => Backend.Dispose();
}
