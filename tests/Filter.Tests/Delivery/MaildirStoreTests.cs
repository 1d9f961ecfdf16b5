using System.Text;
using MailFilter.Filter.Delivery;

namespace MailFilter.Filter.Tests.Delivery;

public sealed class MaildirStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mailfilter-maildir-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private MaildirStore Store() => new(_root, null, "mx:example/test");

    [Fact]
    public async Task AMessageLandsInNewWithReturnPathAndNothingStaysInTmp()
    {
        var outcome = await Store().StoreAsync("alice@example.test", "bob@example.test", null, s => s.Write("Subject: hi\r\n\r\nbody\r\n"u8), CancellationToken.None);
        Assert.Equal(250, outcome.Reply.Code);
        var maildir = Path.Combine(_root, "example.test", "bob");
        Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "tmp")));
        Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "cur")));
        var file = Assert.Single(Directory.GetFiles(Path.Combine(maildir, "new")));
        var text = File.ReadAllText(file);
        Assert.Equal("Return-Path: <alice@example.test>\r\nDelivered-To: bob@example.test\r\nSubject: hi\r\n\r\nbody\r\n", text);
        Assert.EndsWith(",S=" + Encoding.UTF8.GetByteCount(text), file, StringComparison.Ordinal);
        Assert.Contains(".mx\\072example\\057test,S=", Path.GetFileName(file), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(maildir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task TheStoreReturnsToItsCallerWhileTheFileIsWrittenAndSynced()
    {
        // The caller may be an event loop thread that other milter and LMTP connections share: a slow disk (the
        // fsyncs) must not hold it. Here the writing blocks until the test lets it go; the call must return first.
        using var gate = new ManualResetEventSlim();
        int caller = Environment.CurrentManagedThreadId;
        int? writerThread = null;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var store = Store().StoreAsync("alice@example.test", "bob@example.test", null, s =>
        {
            writerThread = Environment.CurrentManagedThreadId;
            gate.Wait(TimeSpan.FromSeconds(20));
            s.Write("Subject: slow disk\r\n\r\nbody\r\n"u8);
        }, CancellationToken.None);
        var returnedAfter = started.Elapsed;
        Assert.False(store.IsCompleted);
        gate.Set();
        var outcome = await store.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(returnedAfter < TimeSpan.FromSeconds(10), $"StoreAsync held its caller for {returnedAfter}");
        Assert.Equal(250, outcome.Reply.Code);
        Assert.NotEqual(caller, writerThread);
        Assert.EndsWith("Subject: slow disk\r\n\r\nbody\r\n", File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(_root, "example.test", "bob", "new")))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFolderIsAMaildirPlusPlusSubfolderWithItsMarker()
    {
        var outcome = await Store().StoreAsync("alice@example.test", "bob@example.test", "Quarantine", s => s.Write("Subject: q\r\n\r\nbody\r\n"u8), CancellationToken.None);
        Assert.Equal(250, outcome.Reply.Code);
        var maildir = Path.Combine(_root, "example.test", "bob");
        Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "new")));
        var folder = Path.Combine(maildir, ".Quarantine");
        Assert.True(File.Exists(Path.Combine(folder, "maildirfolder")));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "tmp")));
        Assert.EndsWith("Subject: q\r\n\r\nbody\r\n", File.ReadAllText(Assert.Single(Directory.GetFiles(Path.Combine(folder, "new")))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriterThatFailsHalfwayLeavesNothingVisibleAndAsksForARetry()
    {
        var outcome = await Store().StoreAsync("alice@example.test", "bob@example.test", null, s =>
        {
            s.Write("Subject: half\r\n"u8);
            s.Flush();
            throw new IOException("disk full");
        }, CancellationToken.None);
        Assert.Equal((451, "4.3.0"), (outcome.Reply.Code, outcome.Reply.Enhanced));
        Assert.Equal("disk full", outcome.Detail);
        var maildir = Path.Combine(_root, "example.test", "bob");
        Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "new")));
        Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "tmp")));
    }

    [Fact]
    public async Task ManyConcurrentDeliveriesGetDistinctFiles()
    {
        var store = Store();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() =>
            store.StoreAsync("a@example.test", "bob@example.test", null, s => s.Write(Encoding.ASCII.GetBytes($"Subject: {i}\r\n\r\n")), CancellationToken.None))));
        Assert.All(outcomes, o => Assert.Equal(250, o.Reply.Code));
        Assert.Equal(50, Directory.GetFiles(Path.Combine(_root, "example.test", "bob", "new")).Length);
    }

    [Theory]
    [InlineData("../etc@example.test")]
    [InlineData("a/b@example.test")]
    [InlineData(".hidden@example.test")]
    [InlineData("bob@../../tmp")]
    [InlineData("bob@.example")]
    public async Task AnAddressThatWouldLeaveTheMaildirRootIsRefused(string recipient)
    {
        var outcome = await Store().StoreAsync("a@example.test", recipient, null, s => s.Write("x"u8), CancellationToken.None);
        Assert.Equal((550, "5.1.3"), (outcome.Reply.Code, outcome.Reply.Enhanced));
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task AnUnwritableRootIs451NotABounce()
    {
        File.WriteAllText(Path.Combine(_root, "example.test"), "a file where the domain directory should be");
        var outcome = await Store().StoreAsync("a@example.test", "bob@example.test", null, s => s.Write("x"u8), CancellationToken.None);
        Assert.Equal(451, outcome.Reply.Code);
    }

    [Fact]
    public async Task DomainsAreLowerCasedAndLocalPartsKeptAsTheyAre()
    {
        await Store().StoreAsync("a@example.test", "Bob.Smith@Example.TEST", null, s => s.Write("x"u8), CancellationToken.None);
        Assert.True(Directory.Exists(Path.Combine(_root, "example.test", "Bob.Smith", "new")));
    }

    [Fact]
    public async Task MaildirsAndMessagesBelongToTheConfiguredOwner()
    {
        var store = new MaildirStore(_root, (65534, 65534), "mx");
        var outcome = await store.StoreAsync("a@example.test", "bob@example.test", null, s => s.Write("x"u8), CancellationToken.None);
        if (Environment.UserName != "root")
        {
            // Only root may give files away (chown(2)): the store says so with a retry, never a half-made delivery.
            Assert.Equal(451, outcome.Reply.Code);
            return;
        }

        Assert.Equal(250, outcome.Reply.Code);
        var maildir = Path.Combine(_root, "example.test", "bob");
        var file = Assert.Single(Directory.GetFiles(Path.Combine(maildir, "new")));
        foreach (var path in new[] { maildir, Path.Combine(maildir, "new"), Path.Combine(maildir, "tmp"), Path.Combine(maildir, "cur"), file })
        {
            var (code, stdout) = Stat(path);
            Assert.Equal((0, "65534:65534"), (code, stdout));
        }
    }

    private static (int Code, string Out) Stat(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return (p.ExitCode, output);
    }
}
