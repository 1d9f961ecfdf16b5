using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using MailFilter.Attachments.Tests.Support;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Attachments.Tests;

/// <summary>
/// What the store must do whatever its backend (docs/attachments.md §2-§5, §8-§9), run once against a mailfilter-authd on
/// the filesystem and once against one on s3rver: store once, encrypt at rest, serve byte-exact ranges, refuse every bad
/// download with the right answer, versions, quota, and a garbage collector that never removes what a live grant needs.
/// </summary>
public abstract class StoreContractTests<TLab>(TLab lab)
    where TLab : AttachmentLab
{
    protected TLab Lab { get; } = lab;

    [Fact]
    public async Task Content_is_stored_once_whoever_sends_it_and_encrypted_at_rest()
    {
        var content = Random(3 * 65536 + 777);
        Encoding.ASCII.GetBytes("PLAINTEXT-MARKER-0123456789").CopyTo(content, 1000);
        var sha = AttachmentLab.Sha(content);
        Assert.False(await Lab.Authd.HasAttachmentAsync(sha));
        var stored = await Lab.Authd.PutAttachmentAsync(sha, new MemoryStream(content), content.Length);
        Assert.Equal(content.Length, stored.Size);
        Assert.True(await Lab.Authd.HasAttachmentAsync(sha));
        var before = await Lab.Authd.GetAttachmentUsageAsync();

        // Another sender sends the same file: HEAD says it is there, a PUT anyway stores nothing new.
        await Lab.SendAsync(content, "report.pdf", "alice@example.test", ["bob@example.org"]);
        await Lab.SendAsync(content, "same.pdf", "zoe@example.test", ["carol@example.org"]);
        await Lab.Authd.PutAttachmentAsync(sha, new MemoryStream(content), content.Length);
        var after = await Lab.Authd.GetAttachmentUsageAsync();
        Assert.Equal(before.Bytes, after.Bytes);
        Assert.Equal(before.StoredBytes, after.StoredBytes);
        Assert.Equal(before.Attachments, after.Attachments);
        Assert.Equal(Lab.Backend, after.Backend);

        // At rest: the object is not named by the SHA-256 and does not contain the plaintext.
        var detail = await Lab.Authd.GetAttachmentAsync(sha);
        Assert.NotNull(detail?.Attachment);
        Assert.NotEqual(sha, detail.Attachment.ObjectName);
        Assert.Equal(4, detail.Attachment.RefCount); // two grants, and version 1 of each sender's document
        var files = Lab.Backend == "s3"
            ? Lab.S3!.ObjectFiles().Where(f => f.Contains(detail.Attachment.ObjectName, StringComparison.Ordinal)).ToList()
            : [Path.Combine(Lab.StorePath, "objects", detail.Attachment.ObjectName[..2], detail.Attachment.ObjectName)];
        var objectFile = files.Select(f => new FileInfo(f)).Where(f => f.Exists).MaxBy(f => f.Length);
        Assert.NotNull(objectFile);
        var raw = await File.ReadAllBytesAsync(objectFile.FullName);
        Assert.Equal(detail.Attachment.Size + 16 + (16 * 4), raw.Length);
        Assert.Equal(-1, raw.AsSpan().IndexOf("PLAINTEXT-MARKER"u8));
        Assert.Equal(-1, raw.AsSpan().IndexOf(content.AsSpan(0, 64)));
    }

    [Fact]
    public async Task A_body_that_does_not_hash_to_the_path_is_refused_and_nothing_is_stored()
    {
        var content = Random(5000);
        var wrong = AttachmentLab.Sha(Random(10));
        var e = await Assert.ThrowsAsync<AuthdRequestException>(() => Lab.Authd.PutAttachmentAsync(wrong, new MemoryStream(content), content.Length));
        Assert.Equal("hash_mismatch", e.ErrorCode);
        Assert.Equal(400, e.StatusCode);
        Assert.False(await Lab.Authd.HasAttachmentAsync(wrong));
        var bad = await Assert.ThrowsAsync<AuthdRequestException>(() => Lab.Authd.HasAttachmentAsync("not-a-hash"));
        Assert.Equal(400, bad.StatusCode);
    }

    [Fact]
    public async Task Over_the_quota_the_store_answers_507_store_full()
    {
        // The lab's quota is 32 MiB; max_file_size is 20 MiB: two files of 17 MiB cannot both be stored.
        var first = Random(17 * 1024 * 1024);
        var second = Random(17 * 1024 * 1024);
        var usage = await Lab.Authd.GetAttachmentUsageAsync();
        Assert.Equal(AttachmentLab.Quota, usage.Quota);
        try
        {
            await Lab.Authd.PutAttachmentAsync(AttachmentLab.Sha(first), new MemoryStream(first), first.Length);
        }
        catch (AttachmentStoreFullException)
        {
            // Another test filled it already: the second upload is refused all the same.
        }

        var e = await Assert.ThrowsAsync<AttachmentStoreFullException>(() => Lab.Authd.PutAttachmentAsync(AttachmentLab.Sha(second), new MemoryStream(second), second.Length));
        Assert.Equal(507, e.StatusCode);
        Assert.Equal("store_full", e.ErrorCode);
        Assert.False(await Lab.Authd.HasAttachmentAsync(AttachmentLab.Sha(second)));

        // Free it again for the other tests: nothing references the first file.
        await Lab.Authd.CollectGarbageAsync();
        Assert.False(await Lab.Authd.HasAttachmentAsync(AttachmentLab.Sha(first)));
        var tooLarge = Random(21 * 1024 * 1024);
        var large = await Assert.ThrowsAsync<AuthdRequestException>(() => Lab.Authd.PutAttachmentAsync(AttachmentLab.Sha(tooLarge), new MemoryStream(tooLarge), tooLarge.Length));
        Assert.Equal(413, large.StatusCode);
    }

    [Fact]
    public async Task Downloads_whole_and_in_ranges_are_byte_exact()
    {
        // Over 8 MiB: the S3 backend writes it as a multipart upload of two parts.
        int size = (9 * 1024 * 1024) + 12345;
        var content = Random(size);
        var link = (await Lab.SendAsync(content, "Bericht Ü 2026.pdf", "alice@example.test", ["bob@example.org"]))[0];
        Assert.StartsWith(Lab.PublicUrl + "/a/", link.Url, StringComparison.Ordinal);
        Assert.EndsWith("/Bericht%20%C3%9C%202026.pdf", link.Url, StringComparison.Ordinal);
        using var http = Lab.Browser();

        using (var response = await http.GetAsync(AttachmentLab.PathOf(link)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(size, response.Content.Headers.ContentLength);
            Assert.Equal("attachment; filename=\"Bericht _ 2026.pdf\"; filename*=UTF-8''Bericht%20%C3%9C%202026.pdf", response.Content.Headers.GetValues("Content-Disposition").Single());
            Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
            Assert.Equal(AttachmentLab.Sha(content), Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync())));
        }

        foreach (var (header, start, end) in new (string, long, long)[]
        {
            ("bytes=0-0", 0, 0), ("bytes=65535-65536", 65535, 65536), ("bytes=100-200000", 100, 200000), ("bytes=-10", size - 10, size - 1),
            ($"bytes={size - 1}-", size - 1, size - 1), ("bytes=70000-", 70000, size - 1), ($"bytes=1-{size + 1000}", 1, size - 1),
            ("bytes=8388000-8389000", 8388000, 8389000),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AttachmentLab.PathOf(link));
            request.Headers.TryAddWithoutValidation("Range", header);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes {start}-{end}/{size}", response.Content.Headers.ContentRange!.ToString());
            Assert.Equal(content.AsSpan((int)start, (int)(end - start + 1)).ToArray(), await response.Content.ReadAsByteArrayAsync());
        }

        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, AttachmentLab.PathOf(link)));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(size, head.Content.Headers.ContentLength);
        var grants = await Lab.Authd.ListGrantsAsync(recipient: "bob@example.org", sha256: AttachmentLab.Sha(content));
        Assert.Equal(9, grants.Single().Downloads); // every GET counts, HEAD does not

        using var metrics = new HttpClient();
        var text = await metrics.GetStringAsync("http://127.0.0.1:" + Lab.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/metrics");
        Assert.Contains("mailfilter_authd_attachment_downloads_total{kind=\"range\"}", text, StringComparison.Ordinal);
        Assert.Contains("mailfilter_authd_attachment_downloads_total{kind=\"head\"}", text, StringComparison.Ordinal);
        Assert.Contains("mailfilter_authd_attachment_download_bytes_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_ranges_are_refused_with_416_and_a_reason()
    {
        var content = Random(1000);
        var link = (await Lab.SendAsync(content, "r.bin", "alice@example.test", ["bob@example.org"]))[0];
        using var http = Lab.Browser();
        foreach (var (header, reason) in new[]
        {
            ("bytes=1000-", "not satisfiable"), ("bytes=-5-10", "malformed"), ("bytes=5--1", "malformed"), ("bytes=abc", "malformed"),
            ("bytes=0-1,5-6", "one range"), ("items=0-1", "only byte ranges"), ("bytes=99999999999999999999-", "out of bounds"),
            ("bytes=10-5", "before the first"), ("bytes=-0", "0 bytes"), ("bytes=" + new string('1', 120), "longer than"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AttachmentLab.PathOf(link));
            request.Headers.TryAddWithoutValidation("Range", header);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable, header + ": " + response.StatusCode);
            Assert.Equal("bytes */1000", response.Content.Headers.ContentRange?.ToString());
            Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, (await Lab.Authd.ListGrantsAsync(sha256: AttachmentLab.Sha(content))).Single().Downloads);
    }

    [Fact]
    public async Task Every_refusal_gets_its_answer()
    {
        var content = Random(2048);
        var links = await Lab.SendAsync(content, "plan.txt", "alice@example.test", ["bob@example.org", "carol@example.org"], downloadLimit: 1, contentType: "text/plain");
        var bob = links.Single(l => l.Recipient == "bob@example.org");
        var carol = links.Single(l => l.Recipient == "carol@example.org");
        var bobToken = AttachmentLab.PathOf(bob).Split('/')[2];
        using var http = Lab.Browser();

        async Task Expect(string path, HttpStatusCode status, string text)
        {
            using var response = await http.GetAsync(path);
            Assert.True(status == response.StatusCode, $"{path}: {response.StatusCode}");
            Assert.Equal(text + "\n", await response.Content.ReadAsStringAsync());
        }

        // Unknown, malformed and over-long tokens.
        await Expect("/a/" + new string('A', 43) + "/plan.txt", HttpStatusCode.Forbidden, "access denied");
        await Expect("/a/" + bobToken[..42] + "/plan.txt", HttpStatusCode.Forbidden, "access denied");
        await Expect("/a/" + bobToken + "A/plan.txt", HttpStatusCode.Forbidden, "access denied");
        await Expect("/a/" + bobToken + new string('x', 2000) + "/plan.txt", HttpStatusCode.Forbidden, "access denied");
        await Expect("/a/" + bobToken[..40] + "%2E%2E/plan.txt", HttpStatusCode.Forbidden, "access denied");

        // The right token, wrong names: another file's name, traversal, non-UTF-8, control characters, nothing.
        foreach (var name in new[] { "other.txt", "..%2F..%2Fetc%2Fpasswd", "..%2Fplan.txt", "%FF%FE.txt", "plan%0A.txt", "", "plan.txt%2F", "PLAN.TXT", new string('a', 800) })
        {
            await Expect($"/a/{bobToken}/{name}", HttpStatusCode.NotFound, "invalid access");
        }

        // A NUL in the path is refused by the HTTP server itself, before any lookup.
        using (var nul = await http.GetAsync($"/a/{bobToken}/plan.txt%00"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        }

        // Carol's token is carol's grant: it never serves bob's (each recipient has their own), and carol's and bob's counts are apart.
        using (var response = await http.GetAsync(AttachmentLab.PathOf(bob)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        }

        // Over the limit (1 download).
        await Expect(AttachmentLab.PathOf(bob), HttpStatusCode.Forbidden, "access denied");

        // Revoked.
        var revoked = await Lab.Authd.RevokeGrantsAsync(new GrantChangeRequest { Recipient = "carol@example.org" });
        Assert.True(revoked.Changed >= 1);
        await Expect(AttachmentLab.PathOf(carol), HttpStatusCode.Forbidden, "access denied");

        // Expired.
        var late = (await Lab.SendAsync(content, "late.txt", "alice@example.test", ["dave@example.org"], contentType: "text/plain"))[0];
        (await Lab.SqlAsync("UPDATE attachment_grants SET expires_at = now() - interval '1 second' WHERE recipient = 'dave@example.org'")).EnsureSuccess("expire");
        await Expect(AttachmentLab.PathOf(late), HttpStatusCode.Forbidden, "access denied");
        var states = (await Lab.Authd.ListGrantsAsync(sha256: AttachmentLab.Sha(content))).ToDictionary(g => g.Recipient, g => g.State);
        Assert.Equal("exhausted", states["bob@example.org"]);
        Assert.Equal("revoked", states["carol@example.org"]);
        Assert.Equal("expired", states["dave@example.org"]);

        // Extending the expired one brings it back.
        await Lab.Authd.ExtendGrantsAsync(new GrantChangeRequest { Recipient = "dave@example.org", Days = 2 });
        using (var response = await http.GetAsync(AttachmentLab.PathOf(late)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task Links_that_follow_the_latest_version_serve_it_pinned_links_keep_what_was_sent()
    {
        var v1 = Random(70000);
        var v2 = Random(1234);
        var pinned = (await Lab.SendAsync(v1, "doc.odt", "alice@example.test", ["bob@example.org"]))[0];
        var latest = (await Lab.SendAsync(v1, "doc.odt", "alice@example.test", ["carol@example.org"], follow: "latest"))[0];
        await Lab.Authd.PutAttachmentAsync(AttachmentLab.Sha(v2), new MemoryStream(v2), v2.Length); // stored beforehand: publish must not care
        var published = await Lab.Authd.PublishAttachmentAsync("alice@example.test", AttachmentLab.Sha(v1), AttachmentLab.Sha(v2), new MemoryStream(v2), v2.Length);
        Assert.Equal([1, 2], published.Versions.Select(v => v.Version));
        Assert.Equal(1, published.FollowingGrants);
        using var http = Lab.Browser();
        Assert.Equal(v1, await http.GetByteArrayAsync(AttachmentLab.PathOf(pinned)));
        Assert.Equal(v2, await http.GetByteArrayAsync(AttachmentLab.PathOf(latest)));

        // Another sender cannot publish over alice's document.
        var e = await Assert.ThrowsAsync<AuthdRequestException>(() =>
            Lab.Authd.PublishAttachmentAsync("mallory@example.test", AttachmentLab.Sha(v1), AttachmentLab.Sha(v2), new MemoryStream(v2), v2.Length));
        Assert.Equal("no-document", e.ErrorCode);
    }

    [Fact]
    public async Task Garbage_collection_beside_concurrent_grants_never_removes_content_a_live_grant_needs()
    {
        var content = Random(100_000);
        var sha = AttachmentLab.Sha(content);
        using var stop = new CancellationTokenSource();
        int collections = 0, reuploads = 0;
        var collector = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Lab.Authd.CollectGarbageAsync();
                Interlocked.Increment(ref collections);
            }
        });
        var links = new System.Collections.Concurrent.ConcurrentBag<AttachmentLink>();
        var senders = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < 15; i++)
            {
                // mailfilterd's protocol: HEAD, PUT when missing, grant; a 404 unknown-attachment (collected in between) means PUT
                // again, and so does a 503 for an upload whose claim the collector took (docs/attachments.md §9: with a grace of 0
                // it happens here; with the default hour it cannot).
                while (true)
                {
                    if (!await Lab.Authd.HasAttachmentAsync(sha))
                    {
                        try
                        {
                            await Lab.Authd.PutAttachmentAsync(sha, new MemoryStream(content), content.Length);
                        }
                        catch (AttachmentStoreUnavailableException e) when (e.Message.Contains("collected while it was written", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref reuploads);
                            continue;
                        }
                    }

                    try
                    {
                        foreach (var link in await Lab.Authd.CreateGrantsAsync(new GrantRequest
                        {
                            Sender = $"s{worker}@example.test",
                            Recipients = [$"r{worker}-{i}@example.org"],
                            Files = [new GrantFile { Sha256 = sha, FileName = "gc.bin", Size = content.Length }],
                        }))
                        {
                            links.Add(link);
                        }

                        break;
                    }
                    catch (AuthdRequestException e) when (e.ErrorCode == "unknown-attachment")
                    {
                        Interlocked.Increment(ref reuploads);
                    }
                }
            }
        })).ToList();
        await Task.WhenAll(senders);
        await stop.CancelAsync();
        await collector;
        Assert.True(collections > 0);
        await Lab.Authd.CollectGarbageAsync();

        // Every grant made survives any number of collections: its content is there, byte-exact.
        Assert.Equal(60, links.Count);
        using var http = Lab.Browser();
        foreach (var link in links.Take(10))
        {
            Assert.Equal(content, await http.GetByteArrayAsync(AttachmentLab.PathOf(link)));
        }

        var detail = await Lab.Authd.GetAttachmentAsync(sha);
        Assert.NotNull(detail?.Attachment);
        Assert.Equal(60 + 4, detail.Attachment.RefCount); // 60 grants, version 1 of each sender's document

        // Revoked, released, collected: then it is gone, from the database and the store.
        await Lab.Authd.RevokeGrantsAsync(new GrantChangeRequest { Ids = [.. (await Lab.Authd.ListGrantsAsync(sha256: sha)).Select(g => g.Id)] });
        var gc = await Lab.Authd.CollectGarbageAsync();
        Assert.True(gc.GrantsReleased >= 60 && gc.DocumentsReleased >= 4 && gc.AttachmentsDeleted >= 1, $"{gc}");
        Assert.False(await Lab.Authd.HasAttachmentAsync(sha));
        using var gone = await http.GetAsync(AttachmentLab.PathOf(links.First()));
        Assert.Equal(HttpStatusCode.Forbidden, gone.StatusCode);
        Assert.True(reuploads >= 0);
    }

    [Fact]
    public async Task A_failing_backend_answers_503_store_unavailable_and_loses_nothing()
    {
        var content = Random(300_000);
        var sha = AttachmentLab.Sha(content);
        var link = (await Lab.SendAsync(content, "kept.bin", "alice@example.test", ["bob@example.org"]))[0];
        var (socket, port) = await Lab.StartBrokenAuthdAsync();
        using var broken = new AuthdClient(new AuthdClientOptions { SocketPath = socket, RequestTimeout = TimeSpan.FromSeconds(60) });
        var other = Random(20_000);
        var e = await Assert.ThrowsAsync<AttachmentStoreUnavailableException>(() => broken.PutAttachmentAsync(AttachmentLab.Sha(other), new MemoryStream(other), other.Length));
        Assert.Equal(503, e.StatusCode);
        Assert.Equal("store_unavailable", e.ErrorCode);
        Assert.False(await Lab.Authd.HasAttachmentAsync(AttachmentLab.Sha(other)));

        // Downloads through the broken server: 503, never a wrong byte; the healthy one still serves the file whole.
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
        using (var response = await http.GetAsync(AttachmentLab.PathOf(link)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        using var healthy = Lab.Browser();
        Assert.Equal(content, await healthy.GetByteArrayAsync(AttachmentLab.PathOf(link)));
        Assert.True(await Lab.Authd.HasAttachmentAsync(sha));
    }

    protected static byte[] Random(int size) => RandomNumberGenerator.GetBytes(size);
}
