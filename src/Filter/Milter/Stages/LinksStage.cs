using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Signature;
using MailFilter.Filter.Configuration;
using MailFilter.Messages;
using MailFilter.Milter;
using MailFilter.Mime;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// Step 4 of docs/pipeline.md, before signing (so the signature covers the links): attachments the sender's <c>links</c>
/// policy (or the <c>X-MailFilter-Links</c> request) selects are decoded as a stream, hashed (SHA-256), stored in the
/// attachment store unless it has them already, and replaced in place by a short notice; a notice block with every link
/// goes first in the message. Every other part stays byte-identical (the MIME engine copies untouched parts). Links are
/// per recipient, so a message with more than one recipient is split into one copy per recipient (the copy plan of the
/// intent stage, re-made per recipient), each with its recipient's links, then signed, registered and encrypted like any
/// copy. A store that is full or unavailable is answered per <c>links_store_failure</c>: 451, or the message goes on
/// with its attachments inline. What counts as an attachment and the notices' format: docs/attachments.md.
/// </summary>
public sealed class LinksStage : IOutboundStage
{
    private const int WriteBuffer = 64 * 1024;

    private readonly IAttachmentStore _store;
    private readonly IOutboundKeys _keys;
    private readonly SpoolOptions _spool;
    private readonly ILogger _logger;
    private readonly FilterMetrics? _metrics;
    private readonly Func<string> _boundary;

    public LinksStage(IAttachmentStore store, IOutboundKeys keys, SpoolOptions spool, ILogger logger, FilterMetrics? metrics = null, Func<string>? boundary = null)
    {
        _store = store;
        _keys = keys;
        _spool = spool;
        _logger = logger;
        _metrics = metrics;
        _boundary = boundary ?? Multipart.GenerateBoundary;
    }

    public string Name => "links";

    public async ValueTask<MilterResponse?> RunAsync(OutboundContext context, CancellationToken cancellationToken)
    {
        if (context.Intent is not { } intent || intent.Links.Mode == LinksMode.Never || context.Copies.Count == 0)
        {
            return null;
        }

        var message = context.Message;
        if (intent.Links.Mode == LinksMode.Over && message.Body.Length <= intent.Links.Threshold)
        {
            // No part is longer than the body it is in: nothing can be over the threshold, and nothing is parsed.
            return null;
        }

        // Parsing, decoding and hashing read the whole body: off the socket's event loop (PROGRESS keeps Postfix waiting).
        await EventLoop.LeaveForAsync(message.Body.Length);
        var fields = ContentFields(message.Headers);
        var parse = Parse(message, fields, wrapBoundary: null);
        try
        {
            if (parse.Message.Defects.Any())
            {
                // docs/pipeline.md: never rewrite a part of a message that did not parse.
                Log.LinksSkipped(_logger, context.QueueId, "malformed MIME");
                context.AddResult("links=skipped (malformed MIME)");
                return null;
            }

            string follow = intent.FollowLatest ? "latest" : "pinned";
            var digests = new List<(long Length, byte[] Sha256)>();
            var found = FindFiles(parse.Message, intent.Links, follow, digests);
            if (found.Count == 0)
            {
                return null;
            }

            string? wrap = null;
            if (parse.Message.Root is not Multipart { ContentType.MediaSubtype: "mixed" })
            {
                // The notice block needs a multipart/mixed at the top: the message's content becomes its second part.
                parse.Dispose();
                wrap = _boundary();
                parse = Parse(message, fields, wrap);
                found = FindFiles(parse.Message, intent.Links, follow, digests); // the same parts in the same order: not hashed again
            }

            var recipients = message.Recipients.Select(r => r.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            IReadOnlyList<AttachmentLink> links;
            int stored = 0;
            var files = found.Select(f => f.File).Distinct().ToList();
            try
            {
                foreach (var file in found.Select(f => f.File).DistinctBy(f => f.Sha256))
                {
                    if (await _store.HasAsync(file.Sha256, cancellationToken))
                    {
                        continue;
                    }

                    await using (var content = found.First(f => f.File.Sha256 == file.Sha256).Part.OpenDecodedStream())
                    {
                        await _store.PutAsync(file.Sha256, content, file.Size, cancellationToken);
                    }

                    stored++;
                }

                links = await _store.CreateGrantsAsync(new GrantRequest
                {
                    Sender = intent.Sender,
                    MessageId = message.Headers.GetValue("Message-ID")?.Trim(),
                    QueueId = context.QueueId,
                    Encrypted = await WillEncryptAsync(intent, recipients, cancellationToken),
                    Recipients = recipients,
                    Files = files,
                }, cancellationToken);
            }
            catch (AttachmentStoreException e)
            {
                return StoreFailed(context, intent, found, e is AttachmentStoreFullException ? "full" : "unavailable", e.Message);
            }
            catch (AuthdUnavailableException e)
            {
                // authd itself not answering: the store is unavailable to this message.
                return StoreFailed(context, intent, found, "unavailable", e.Message);
            }

            if (recipients.Count > 1)
            {
                IntentStage.PlanCopies(context, perRecipient: true);
            }

            Replace(context, parse, found, links);
            if (wrap is not null)
            {
                WrapHeaders(message.Headers, wrap);
            }

            int distinct = files.Select(f => f.Sha256).Distinct().Count();
            long bytes = files.DistinctBy(f => f.Sha256).Sum(f => f.Size);
            Log.LinksReplaced(_logger, context.QueueId, found.Count, bytes, stored, distinct - stored, recipients.Count, context.Copies.Count - 1, follow);
            _metrics?.LinksFiles.Add(stored, "stored");
            _metrics?.LinksFiles.Add(distinct - stored, "present");
            _metrics?.LinksBytes.Add(bytes);
            context.AddResult($"links={found.Count.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }
        finally
        {
            parse.Dispose();
        }
    }

    /// <summary>What counts as an attachment here (docs/attachments.md): a leaf part with <c>Content-Disposition:
    /// attachment</c>, or with a file name, no inline disposition and a media type other than text/*. Parts inside an
    /// attached message (message/*) and inside multipart/signed or multipart/encrypted are never touched (another
    /// signature or an encryption covers them), nor are S/MIME and OpenPGP containers.</summary>
    internal static bool IsAttachment(MimePart part)
    {
        var type = part.ContentType;
        if (type.MediaType == "message" || IsCryptoContainer(type))
        {
            return false;
        }

        var disposition = part.ContentDisposition;
        return disposition?.IsAttachment == true
            || (part.FileName is not null && disposition?.IsInline != true && type.MediaType != "text");
    }

    /// <summary>The name a file is stored and linked under: the sender's file name without any directory part and
    /// control characters, at most 255 bytes of UTF-8 (shortened before its extension); "attachment" when that leaves
    /// nothing.</summary>
    internal static string FileNameOf(MimePart part)
    {
        const int MaxBytes = 255;
        string name = part.FileName ?? string.Empty;
        int slash = name.LastIndexOfAny(['/', '\\']);
        name = new string(name[(slash + 1)..].Where(c => !char.IsControl(c) && !char.IsSurrogate(c) && c != '\uFFFD').ToArray()).Trim();
        if (name is "" or "." or "..")
        {
            return "attachment";
        }

        while (System.Text.Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            int dot = name.LastIndexOf('.');
            int cut = dot > 0 && name.Length - dot <= 16 ? dot - 1 : name.Length - 1;
            name = name.Remove(cut, 1);
        }

        return name;
    }

    private static bool IsCryptoContainer(ContentType type) =>
        type.MimeType is "application/pkcs7-mime" or "application/x-pkcs7-mime" or "application/pkcs7-signature"
            or "application/x-pkcs7-signature" or "application/pgp-encrypted" or "application/pgp-signature";

    /// <summary>The leaf parts to replace, in document order, each with its decoded size and hash (streamed).</summary>
    /// <summary>
    /// The attachments the policy replaces, in document order. <paramref name="digests"/> holds the (length, SHA-256) of
    /// each candidate part in that order: filled on the first call, read on a second call over the same content parsed
    /// again (inside the notice wrapper), so no part is decoded and hashed twice.
    /// </summary>
    private static List<Found> FindFiles(MimeMessage message, LinksPolicy policy, string follow, List<(long Length, byte[] Sha256)> digests)
    {
        bool known = digests.Count > 0;
        int candidate = 0;
        var found = new List<Found>();
        var stack = new Stack<MimeEntity>();
        stack.Push(message.Root);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case Multipart m when m.ContentType.MediaSubtype is not ("signed" or "encrypted"):
                    for (int i = m.Children.Count - 1; i >= 0; i--)
                    {
                        stack.Push(m.Children[i]);
                    }

                    break;
                case MimePart part when IsAttachment(part):
                    // Decoding never makes content longer: a part whose encoded form is within the threshold is too.
                    if (policy.Mode == LinksMode.Over && part.EncodedLength <= policy.Threshold)
                    {
                        break;
                    }

                    if (!known)
                    {
                        digests.Add(part.GetDecodedDigest());
                    }

                    var (length, sha256) = digests[candidate++];
                    if (policy.Applies(length))
                    {
                        found.Add(new Found(part, new GrantFile
                        {
                            Sha256 = Convert.ToHexStringLower(sha256),
                            FileName = FileNameOf(part),
                            ContentType = part.ContentType.MimeType,
                            Size = length,
                            Follow = follow,
                        }));
                    }

                    break;
            }
        }

        return found;
    }

    /// <summary>Replaces each part by its notice, puts the notice block first, and writes every copy's body with that
    /// copy's recipient's links (the original's becomes the milter's replacement body).</summary>
    private void Replace(OutboundContext context, Parsed parse, List<Found> found, IReadOnlyList<AttachmentLink> links)
    {
        var notice = new LinkNotice(_boundary());
        foreach (var f in found)
        {
            parse.Message.Replace(f.Part, notice.InPlace(f.File));
        }

        ((Multipart)parse.Message.Root).Insert(0, notice.Block);
        var files = found.Select(f => f.File).Distinct().ToList();
        foreach (var copy in context.Copies)
        {
            string recipient = copy.Recipients[0].Address;
            notice.Fill([.. files.Select(file => (file, LinkFor(links, recipient, file)))]);
            var spool = new BodySpool(_spool.MemoryThreshold, _spool.Directory);
            try
            {
                using (var output = new BufferedStream(new SkipStream(spool.OpenAppend(), parse.HeaderLength), WriteBuffer))
                {
                    parse.Message.WriteTo(output);
                }
            }
            catch
            {
                spool.Dispose();
                throw;
            }

            copy.Body = spool;
            if (copy.IsOriginal)
            {
                context.Message.ReplaceBody(spool.OpenReadOwning());
            }
        }
    }

    private static AttachmentLink LinkFor(IReadOnlyList<AttachmentLink> links, string recipient, GrantFile file)
    {
        bool Mine(AttachmentLink l) => l.Recipient.Equals(recipient, StringComparison.OrdinalIgnoreCase) && l.Sha256.Equals(file.Sha256, StringComparison.OrdinalIgnoreCase);
        return links.FirstOrDefault(l => Mine(l) && l.FileName == file.FileName) ?? links.FirstOrDefault(Mine)
            ?? throw new InvalidOperationException($"mailfilter-authd granted no link to {file.Sha256} for {recipient}");
    }

    /// <summary>The top-level edits when the content was wrapped: its Content-* fields moved into the second part, the
    /// message is a multipart/mixed.</summary>
    private static void WrapHeaders(MailFilter.Milter.HeaderList headers, string boundary)
    {
        string? encoding = headers.GetValue("Content-Transfer-Encoding")?.Trim().ToLowerInvariant();
        for (int i = headers.Count - 1; i >= 0; i--)
        {
            if (IsContentField(headers[i].Name))
            {
                headers.RemoveAt(i);
            }
        }

        if (!headers.Contains("MIME-Version"))
        {
            headers.Add("MIME-Version", "1.0");
        }

        headers.Add("Content-Type", "multipart/mixed; boundary=\"" + boundary + "\"");
        if (encoding is "8bit" or "binary")
        {
            // A multipart's encoding says what its parts may hold (RFC 2045 §6.4).
            headers.Add("Content-Transfer-Encoding", encoding);
        }
    }

    private async Task<bool> WillEncryptAsync(OutboundIntent intent, List<string> recipients, CancellationToken cancellationToken)
    {
        switch (intent.Encrypt)
        {
            case EncryptPolicy.Never:
                return false;
            case EncryptPolicy.Required:
                return true;
            default:
                // when-possible: encrypted when every recipient has a key (the encrypt stage asks the same, from the cache).
                var keys = await Task.WhenAll(recipients.Select(r => _keys.FindEncryptionKeyAsync(r, cancellationToken)));
                return keys.All(k => k is not null);
        }
    }

    private MilterResponse? StoreFailed(OutboundContext context, OutboundIntent intent, List<Found> found, string failure, string reason)
    {
        bool inline = intent.LinksStoreFailure == LinksStoreFailure.Inline;
        Log.LinksStoreFailed(_logger, context.QueueId, failure, reason, inline ? "sending the attachments inline" : "answering 451");
        _metrics?.LinksStoreFailures.Increment(failure, inline ? "inline" : "tempfail");
        if (inline)
        {
            _metrics?.LinksFiles.Add(found.Select(f => f.File.Sha256).Distinct().Count(), "inline");
            context.AddResult("links=inline (store " + failure + ")");
            return null;
        }

        return failure == "full"
            ? MilterResponse.WithReply(451, "4.3.1", "attachment store full, try again later")
            : MilterResponse.WithReply(451, "4.3.0", "attachment store unavailable, try again later");
    }

    private static bool IsContentField(string name) => name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase);

    private static List<HeaderField> ContentFields(MailFilter.Milter.HeaderList headers) =>
        [.. headers.Where(h => IsContentField(h.Name)).Select(h => new HeaderField(h.Name, h.RawValue))];

    /// <summary>Parses the message's content in place: its Content-* fields, then the spooled body. With
    /// <paramref name="wrapBoundary"/> the content is read as the one part of a multipart/mixed with that boundary.
    /// <see cref="Parsed.HeaderLength"/> is the length of the header block written first, which is not body.</summary>
    private static Parsed Parse(MilterMessage message, List<HeaderField> fields, string? wrapBoundary)
    {
        byte[] head;
        Stream source;
        if (wrapBoundary is null)
        {
            head = MessageHeaders.ToBytes(fields);
            source = new ConcatenatedStream(new MemoryStream(head, writable: false), message.Body.OpenRead());
        }
        else
        {
            head = System.Text.Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=\"" + wrapBoundary + "\"\r\n\r\n");
            var part = System.Text.Encoding.ASCII.GetBytes("--" + wrapBoundary + "\r\n");
            var prefix = new MemoryStream([.. head, .. part, .. MessageHeaders.ToBytes(fields)], writable: false);
            var suffix = new MemoryStream(System.Text.Encoding.ASCII.GetBytes("\r\n--" + wrapBoundary + "--\r\n"), writable: false);
            source = new ConcatenatedStream(new ConcatenatedStream(prefix, message.Body.OpenRead()), suffix);
        }

        return new Parsed(MimeMessage.Load(source), source, head.Length);
    }

    private sealed record Found(MimePart Part, GrantFile File);

    private sealed class Parsed(MimeMessage message, Stream source, long headerLength) : IDisposable
    {
        public MimeMessage Message { get; } = message;

        public long HeaderLength { get; } = headerLength;

        public void Dispose()
        {
            Message.Dispose();
            source.Dispose();
        }
    }

    /// <summary>Passes writes on after dropping the first <c>skip</c> bytes (the header block the parser needed).</summary>
    private sealed class SkipStream(Stream inner, long skip) : Stream
    {
        private long _skip = skip;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_skip > 0)
            {
                int n = (int)Math.Min(_skip, buffer.Length);
                _skip -= n;
                buffer = buffer[n..];
            }

            if (!buffer.IsEmpty)
            {
                inner.Write(buffer);
            }
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
