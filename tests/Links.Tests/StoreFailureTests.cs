using System.Security.Cryptography;
using MailFilter.Lab;

namespace MailFilter.Links.Tests;

/// <summary>example.test with links = over 100K, a store quota of 1 MiB, and erin under links_store_failure = inline
/// (everyone else: tempfail), started once for <see cref="StoreFailureTests"/>.</summary>
public sealed class SmallStoreDomain : IAsyncLifetime
{
    public MailDomain Domain { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Domain = await MailDomain.StartAsync("example.test", ["alice@example.test", "erin@example.test", "bob@example.test"],
            policy: "links = over 100K\n\n[policy:erin@example.test]\nlinks_store_failure = inline",
            attachmentSettings: "quota = 1M");

    public async Task DisposeAsync()
    {
        if (Domain is not null)
        {
            await Domain.DisposeAsync();
        }
    }
}

/// <summary>
/// The attachment store full (over its quota: authd answers 507) or unavailable (its directory cannot be written: 503),
/// through real Postfix: under <c>links_store_failure = tempfail</c> the submission gets a 451 and nothing is queued (the
/// client keeps the message); under <c>inline</c> the message arrives, signed and encrypted, with the attachment inline;
/// once the store works again the same message goes out with its link. Nothing is lost.
/// </summary>
public sealed class StoreFailureTests(SmallStoreDomain fixture) : IClassFixture<SmallStoreDomain>
{
    private const string Bob = "bob@example.test";

    private MailDomain Mail => fixture.Domain;

    [Fact]
    public async Task AFullStoreTempfailsTheSubmissionOrSendsTheFileInlinePerPolicy()
    {
        var file = LinksLab.File("too-big.bin", RandomNumberGenerator.GetBytes(2 * 1024 * 1024));

        var refused = await Mail.SubmitAsync("alice@example.test", [Bob], LinksLab.Message("full-" + Guid.NewGuid().ToString("N"), "alice@example.test", Bob, file));
        Assert.Equal(451, refused.Code);
        Assert.Contains("4.3.1 attachment store full, try again later", refused.Text, StringComparison.Ordinal);
        Assert.Empty(await Mail.Postfix.QueueIdsAsync());

        await AssertArrivesInlineAsync("erin@example.test", file, "full");
    }

    [Fact]
    public async Task AnUnavailableStoreTempfailsOrSendsInlineAndOnceItWorksTheSameMessageLeavesWithItsLink()
    {
        var file = LinksLab.File("report.bin", RandomNumberGenerator.GetBytes(300 * 1024));
        string id = "unavailable-" + Guid.NewGuid().ToString("N");
        var message = LinksLab.Message(id, "alice@example.test", Bob, file);

        // The store's temporary directory is a file: every write fails (as root, permissions would not stop it).
        string tmp = Path.Combine(Mail.AttachmentStorePath, "tmp");
        Directory.CreateDirectory(Mail.AttachmentStorePath);
        if (Directory.Exists(tmp))
        {
            Directory.Delete(tmp, recursive: true);
        }

        await File.WriteAllTextAsync(tmp, "not a directory");
        try
        {
            var refused = await Mail.SubmitAsync("alice@example.test", [Bob], message);
            Assert.Equal(451, refused.Code);
            Assert.Contains("4.3.0 attachment store unavailable, try again later", refused.Text, StringComparison.Ordinal);
            await AssertArrivesInlineAsync("erin@example.test", file, "unavailable");
        }
        finally
        {
            File.Delete(tmp);
        }

        // The client retries the refused message: now it leaves with a link.
        var retried = await Mail.SubmitAsync("alice@example.test", [Bob], message);
        Assert.True(retried.Accepted, retried + "\n" + Mail.Diagnostics);
        var got = await Mail.FindAsync(Bob, id + "@example.test", LinksLab.Wait) ?? throw new TimeoutException(Mail.Diagnostics);
        var judged = await Delivered.JudgeAsync(got);
        Assert.Empty(judged.Attachments);
        Assert.EndsWith("/report.bin", Assert.Single(LinksLab.Links(judged)), StringComparison.Ordinal);
    }

    private async Task AssertArrivesInlineAsync(string sender, LinksLab.Attachment file, string failure)
    {
        string id = "inline-" + Guid.NewGuid().ToString("N");
        var sent = await Mail.SubmitAsync(sender, [Bob], LinksLab.Message(id, sender, Bob, file));
        Assert.True(sent.Accepted, sent + "\n" + Mail.Diagnostics);
        var got = await Mail.FindAsync(Bob, id + "@example.test", LinksLab.Wait) ?? throw new TimeoutException(Mail.Diagnostics);
        Assert.StartsWith("mx.example.test; mailfilter=pass", Delivered.Result(got, Mail.Hostname), StringComparison.Ordinal);
        var judged = await Delivered.JudgeAsync(got);
        Assert.Equal(new Dictionary<string, string> { [file.FileName] = LinksLab.Sha256(file.Data) }, judged.Attachments);
        Assert.Contains($"{sent.QueueId}: links: attachment store {failure} (", Mail.FilterLog, StringComparison.Ordinal);
        Assert.Contains($"links=inline (store {failure})", System.Text.Encoding.UTF8.GetString(got), StringComparison.Ordinal);
    }
}
