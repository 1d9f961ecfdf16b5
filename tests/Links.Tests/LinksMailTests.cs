using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MailFilter.Lab;

namespace MailFilter.Links.Tests;

/// <summary>example.test with links = over 1M and a short Postfix milter_content_timeout (mailfilterd sends PROGRESS
/// every 100 ms), started once for <see cref="LinksMailTests"/>. Mail between its users is encrypted (every local address
/// has a key), so downloads need the mailbox proof.</summary>
public sealed class LinksDomain : IAsyncLifetime
{
    public const string ContentTimeout = "1s";

    public MailDomain Domain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Domain = await MailDomain.StartAsync("example.test",
            ["alice@example.test", "bob@example.test", "carol@example.test", "dave@example.test"],
            policy: "links = over 1M",
            filterSettings: "\n[milter]\nprogress_interval = 100ms",
            attachmentSettings: "code_resend_interval = 0");
        await Domain.Postfix.PostconfAsync("milter_content_timeout=" + ContentTimeout);
    }

    public async Task DisposeAsync()
    {
        if (Domain is not null)
        {
            await Domain.DisposeAsync();
        }
    }
}

/// <summary>
/// Issue 7's must-show test through real Postfix: three attachments (20 MB, a UTF-8 RFC 2231 name, one under the
/// threshold) to two recipients arrive as two links per recipient and the small file inline; each recipient downloads
/// bytes identical to the original; the other's token and a wrong name are refused; the same file from another sender
/// adds no stored bytes; the signature covers the links; a headless Chromium follows a link from the delivered mail.
/// </summary>
public sealed class LinksMailTests(LinksDomain fixture) : IClassFixture<LinksDomain>
{
    private const string Alice = "alice@example.test";
    private const string Bob = "bob@example.test";
    private const string Carol = "carol@example.test";
    private const string Dave = "dave@example.test";

    private MailDomain Mail => fixture.Domain;

    [Fact]
    public async Task ThreeAttachmentsToTwoRecipientsArriveAsTwoLinksEachAndTheSmallFileInline()
    {
        string id = "links-" + Guid.NewGuid().ToString("N");
        var big = LinksLab.File("big-20MB.bin", RandomNumberGenerator.GetBytes(20 * 1024 * 1024));
        var named = LinksLab.File("Prüfbericht Ü 2026.pdf", RandomNumberGenerator.GetBytes(1536 * 1024), "application/pdf");
        var small = LinksLab.File("small.png", RandomNumberGenerator.GetBytes(20 * 1024), "image/png");
        var usage = await Mail.Authd.GetAttachmentUsageAsync();

        var sent = await Mail.SubmitAsync(Alice, [Bob, Carol], LinksLab.Message(id, "Alice <alice@example.test>", "Bob <bob@example.test>, carol@example.test", big, named, small));
        Assert.True(sent.Accepted, sent + "\n" + Mail.Diagnostics);

        var links = new Dictionary<string, List<string>>();
        foreach (var who in new[] { Bob, Carol })
        {
            var got = await Mail.FindAsync(who, id + "@example.test", LinksLab.Wait) ?? throw new TimeoutException(Mail.Diagnostics);
            Assert.StartsWith("mx.example.test; mailfilter=pass", Delivered.Result(got, Mail.Hostname), StringComparison.Ordinal);
            var judged = await Delivered.JudgeAsync(got);
            Assert.Empty(judged.Defects);
            Assert.Equal(new Dictionary<string, string> { ["small.png"] = LinksLab.Sha256(small.Data) }, judged.Attachments);
            Assert.Equal(["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/plain", "text/plain", "text/plain", "image/png"], judged.Structure);
            Assert.Equal("The files, as promised.", judged.Texts[2]); // the line break before a delimiter is the delimiter's
            links[who] = LinksLab.Links(judged);
            Assert.Equal(2, links[who].Count);
            Assert.EndsWith("/big-20MB.bin", links[who][0], StringComparison.Ordinal);
            Assert.EndsWith("/Pr%C3%BCfbericht%20%C3%9C%202026.pdf", links[who][1], StringComparison.Ordinal);
            Assert.All(links[who], l => Assert.StartsWith(Mail.PublicUrl + "/a/", l, StringComparison.Ordinal));
            Assert.Contains("SHA-256: " + LinksLab.Sha256(big.Data), judged.Texts[0], StringComparison.Ordinal);
            Assert.Contains("Prüfbericht Ü 2026.pdf", judged.Texts[0], StringComparison.Ordinal);
            Assert.Contains($"<a href=\"{links[who][1]}\">Prüfbericht Ü 2026.pdf</a>", judged.Texts[1], StringComparison.Ordinal);
            Assert.Contains("Link: " + links[who][0], judged.Texts[3], StringComparison.Ordinal); // in place of the 20 MB part
            await SignatureCoversTheLinksAsync(got, who);
        }

        Assert.Empty(links[Bob].Intersect(links[Carol]));
        var after = await Mail.Authd.GetAttachmentUsageAsync();
        Assert.Equal(usage.Bytes + big.Data.Length + named.Data.Length, after.Bytes);
        Assert.Contains($"links files=2 bytes={big.Data.Length + named.Data.Length} stored=2 present=0 recipients=2 copies=1 follow=pinned", Mail.FilterLog, StringComparison.Ordinal);
        ProgressKeptPostfixWaiting(sent.QueueId!);

        // Each recipient proves the mailbox and downloads both files: the bytes sent.
        var clients = new Dictionary<string, HttpClient>();
        foreach (var who in new[] { Bob, Carol })
        {
            clients[who] = LinksLab.Browserless();
            await LinksLab.ProveAsync(Mail, clients[who], links[who][0], who);
            foreach (var (url, file) in links[who].Zip([big, named]))
            {
                using var response = await clients[who].GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(LinksLab.Sha256(file.Data), LinksLab.Sha256(await response.Content.ReadAsByteArrayAsync()));
                Assert.Equal(file.FileName, response.Content.Headers.ContentDisposition?.FileNameStar);
            }
        }

        // The other recipient's token, with bob's proof: access denied. Bob's token with another name: invalid access.
        using (var others = await clients[Bob].GetAsync(links[Carol][0]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, others.StatusCode);
            Assert.Equal("access denied", (await others.Content.ReadAsStringAsync()).Trim());
        }

        string wrongName = links[Bob][0][..(links[Bob][0].LastIndexOf('/') + 1)] + "other.bin";
        using (var wrong = await clients[Bob].GetAsync(wrongName))
        {
            Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
            Assert.Equal("invalid access", (await wrong.Content.ReadAsStringAsync()).Trim());
        }

        // The same 20 MB from another sender: asked for, not uploaded, no bytes more in the store.
        string again = "links-again-" + Guid.NewGuid().ToString("N");
        var resent = await Mail.SubmitAsync(Dave, [Carol], LinksLab.Message(again, "dave@example.test", "carol@example.test", big));
        Assert.True(resent.Accepted, resent.ToString());
        Assert.NotNull(await Mail.FindAsync(Carol, again + "@example.test", LinksLab.Wait));
        Assert.Equal(after.Bytes, (await Mail.Authd.GetAttachmentUsageAsync()).Bytes);
        Assert.Contains($"{resent.QueueId}: links files=1 bytes={big.Data.Length} stored=0 present=1 recipients=1 copies=0 follow=pinned", Mail.FilterLog, StringComparison.Ordinal);
        foreach (var c in clients.Values)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task ChromiumFollowsTheLinkFromTheDeliveredMailProvesTheMailboxAndDownloadsTheFile()
    {
        string id = "links-browser-" + Guid.NewGuid().ToString("N");
        var file = LinksLab.File("Prüfbericht Ü.pdf", RandomNumberGenerator.GetBytes(1536 * 1024), "application/pdf");
        var sent = await Mail.SubmitAsync(Alice, [Dave], LinksLab.Message(id, "alice@example.test", "dave@example.test", file));
        Assert.True(sent.Accepted, sent.ToString());
        var got = await Mail.FindAsync(Dave, id + "@example.test", LinksLab.Wait) ?? throw new TimeoutException(Mail.Diagnostics);
        var judged = await Delivered.JudgeAsync(got);
        Assert.Empty(judged.Attachments);

        // The notice block's HTML part as the mail client shows it; the person clicks the file's name.
        string page = Path.Combine(Mail.Directory, id + ".html");
        await File.WriteAllTextAsync(page, judged.Texts[1]);
        using var chromium = new Chromium();
        chromium.Open(new Uri(page).AbsoluteUri);
        chromium.ClickLink(file.FileName);
        chromium.WaitFor("send");
        int before = 0;
        chromium.Press("send");
        chromium.WaitFor("code");
        string code = await LinksLab.WaitForCodeAsync(Mail, Dave, before);
        chromium.Type("code", code);
        chromium.Press("verify");
        string downloaded = chromium.WaitForDownload(TimeSpan.FromSeconds(60));
        Assert.Equal(file.FileName, Path.GetFileName(downloaded));
        Assert.Equal(LinksLab.Sha256(file.Data), LinksLab.Sha256(await File.ReadAllBytesAsync(downloaded)));
    }

    /// <summary>mailfilterctl verify passes on the delivered message and fails once one link in it is changed.</summary>
    private async Task SignatureCoversTheLinksAsync(byte[] delivered, string recipient)
    {
        string eml = Path.Combine(Mail.Directory, Guid.NewGuid().ToString("N") + ".eml");
        await File.WriteAllBytesAsync(eml, delivered);
        var verify = await ProcessRunner.RunAsync(Repo.BuildOutput("src/Cli", "mailfilterctl"), "verify", eml, "--socket", Mail.AuthdSocket,
            "--mail-from", Alice, "--recipient", recipient);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);

        string text = Encoding.UTF8.GetString(delivered);
        int body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        int link = text.IndexOf("/a/", body, StringComparison.Ordinal);
        await File.WriteAllBytesAsync(eml, Encoding.UTF8.GetBytes(text[..link] + "/b/" + text[(link + 3)..]));
        var forged = await ProcessRunner.RunAsync(Repo.BuildOutput("src/Cli", "mailfilterctl"), "verify", eml, "--socket", Mail.AuthdSocket,
            "--mail-from", Alice, "--recipient", recipient);
        Assert.True(forged.ExitCode != 0, forged.Stdout);
        Assert.Contains("fail", forged.Stdout, StringComparison.Ordinal);
        File.Delete(eml);
    }

    /// <summary>Postfix waited for the end of message longer than milter_content_timeout without a timeout: mailfilterd's
    /// PROGRESS restarted its timer.</summary>
    private void ProgressKeptPostfixWaiting(string queueId)
    {
        Assert.DoesNotContain("milter timeout", Mail.Postfix.Maillog, StringComparison.OrdinalIgnoreCase);
        string line = Mail.FilterLog.Split('\n').Single(l => l.Contains(queueId + ": from=<alice@example.test>", StringComparison.Ordinal));
        double ms = double.Parse(line[(line.LastIndexOf("time=", StringComparison.Ordinal) + 5)..].TrimEnd().TrimEnd('s').TrimEnd('m'), CultureInfo.InvariantCulture);
        Console.WriteLine($"end of message of the 20 MB message: {ms} ms (milter_content_timeout {LinksDomain.ContentTimeout})");
    }
}
