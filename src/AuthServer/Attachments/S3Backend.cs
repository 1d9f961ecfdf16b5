using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace MailFilter.AuthServer.Attachments;

/// <summary>
/// The S3-compatible store for several authd hosts (docs/attachments.md §2.2): path-style requests to
/// <c>[attachments] s3_endpoint</c>, objects <c>&lt;s3_prefix&gt;&lt;name&gt;</c> in <c>s3_bucket</c>. An object is written with one
/// PutObject when it fits one 8 MiB part, else as a multipart upload that is completed only when every part is in
/// (aborted otherwise): S3 shows an object only when complete, which is the atomic write the store needs.
/// Checksums beyond SigV4 are sent only where required, so S3 implementations without aws-chunked trailers work.
/// </summary>
public sealed class S3Backend : IAttachmentBackend
{
    public const int PartSize = 8 * 1024 * 1024;

    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;

    public S3Backend(Uri endpoint, string region, string bucket, string prefix, string accessKey, string secretKey, TimeSpan timeout)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = region,
            Timeout = timeout,
            MaxErrorRetry = 2,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        _client = new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
        _bucket = bucket;
        _prefix = prefix;
        Endpoint = endpoint;
    }

    public string Kind => "s3";

    public Uri Endpoint { get; }

    public string Bucket => _bucket;

    /// <summary>Creates the bucket if it does not exist (tests and first setup; authd itself never calls it).</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    public async Task WriteAsync(string name, long length, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            if (length <= PartSize)
            {
                using var buffer = new MemoryStream((int)length);
                await write(buffer, cancellationToken);
                buffer.Position = 0;
                await _client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = _bucket,
                    Key = _prefix + name,
                    InputStream = buffer,
                    AutoCloseStream = false,
                    UseChunkEncoding = false,
                    ContentType = "application/octet-stream",
                }, cancellationToken);
                return;
            }

            var upload = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = _prefix + name }, cancellationToken);
            var parts = new PartUploadStream(this, name, upload.UploadId);
            try
            {
                await write(parts, cancellationToken);
                await parts.FlushPartAsync(last: true, cancellationToken);
                await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _bucket,
                    Key = _prefix + name,
                    UploadId = upload.UploadId,
                    PartETags = parts.ETags,
                }, cancellationToken);
            }
            catch
            {
                try
                {
                    await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = _prefix + name, UploadId = upload.UploadId }, CancellationToken.None);
                }
                catch (Exception e) when (IsBackendFailure(e))
                {
                    // The bucket's lifecycle rule for incomplete uploads removes it.
                }

                throw;
            }
        }
        catch (Exception e) when (IsBackendFailure(e))
        {
            throw Translate(name, e);
        }
    }

    public async Task<Stream> OpenReadAsync(string name, long offset, long length, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _bucket,
                Key = _prefix + name,
                ByteRange = new ByteRange(offset, offset + length - 1),
            }, cancellationToken);
            return new OwningStream(response.ResponseStream, response);
        }
        catch (Exception e) when (IsBackendFailure(e))
        {
            throw Translate(name, e);
        }
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectMetadataAsync(_bucket, _prefix + name, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception e) when (IsBackendFailure(e))
        {
            throw Translate(name, e);
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteObjectAsync(_bucket, _prefix + name, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (Exception e) when (IsBackendFailure(e))
        {
            throw Translate(name, e);
        }
    }

    public void Dispose() => _client.Dispose();

    private static bool IsBackendFailure(Exception e) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException || (e is OperationCanceledException && e.InnerException is TimeoutException);

    private Exception Translate(string name, Exception e) =>
        e is AmazonS3Exception { StatusCode: HttpStatusCode.InsufficientStorage } or AmazonS3Exception { ErrorCode: "QuotaExceeded" or "XMinioStorageFull" }
            ? new StoreFullException($"S3 store {Endpoint} bucket {_bucket}: {e.Message}", e)
            : new StoreUnavailableException($"S3 store {Endpoint} bucket {_bucket}, object {name}: {e.Message}", e);

    /// <summary>Collects what is written into 8 MiB parts and uploads each when full.</summary>
    private sealed class PartUploadStream(S3Backend owner, string name, string uploadId) : Stream
    {
        private readonly MemoryStream _part = new(PartSize);

        public List<PartETag> ETags { get; } = [];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (buffer.Length > 0)
            {
                int room = PartSize - (int)_part.Length;
                int n = Math.Min(room, buffer.Length);
                _part.Write(buffer.Span[..n]);
                buffer = buffer[n..];
                if (_part.Length == PartSize)
                {
                    await FlushPartAsync(last: false, cancellationToken);
                }
            }
        }

        public async Task FlushPartAsync(bool last, CancellationToken cancellationToken)
        {
            if (_part.Length == 0)
            {
                return;
            }

            _part.Position = 0;
            int number = ETags.Count + 1;
            var response = await owner._client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = owner._bucket,
                Key = owner._prefix + name,
                UploadId = uploadId,
                PartNumber = number,
                PartSize = _part.Length,
                InputStream = _part,
                IsLastPart = last,
                UseChunkEncoding = false,
            }, cancellationToken);
            ETags.Add(new PartETag(number, response.ETag));
            _part.SetLength(0);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _part.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The object's body; disposing it closes the response (and its connection).</summary>
    private sealed class OwningStream(Stream inner, IDisposable owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

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
                inner.Dispose();
                owner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
