using System.Text;
using MailFilter.AuthClient;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Filter.Delivery;
using MailFilter.Messages;

namespace MailFilter.Filter.Tests.Delivery;

/// <summary>
/// docs/registry.md §5: claims that cannot be checked as they stand fail without asking anyone (mailfilter-authd is not
/// even reachable here), and the policy marks the stored message; a message without a claim is left alone.
/// </summary>
public sealed class RegistryCheckTests : IDisposable
{
    private const string Signature = "MailFilter-Signature: v=1; a=ed25519-sha256; b=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\r\n";
    private const string Letter = "From: alice@example.net\r\nTo: bob@example.test\r\nSubject: pay now\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\nbody\r\n";

    private readonly AuthdClient _unreachable = new(new AuthdClientOptions { SocketPath = "/nonexistent/authd.sock" });

    [Theory]
    [InlineData("X-Registered: Yes\r\n" + Signature, "no X-Confirmation-No")]
    [InlineData("X-Registered: Yes\r\nX-Confirmation-No: 2026112110alice@example.net0000000000000000\r\n", "no MailFilter-Signature")]
    [InlineData("X-Registered: Yes\r\nX-Registered: Yes\r\nX-Confirmation-No: 2026112110alice@example.net0000000000000000\r\n" + Signature, "several registration stamps")]
    [InlineData("X-Registered: Yes\r\nX-Confirmation-No: 2026112110alice@example.net\r\n" + Signature, "malformed X-Confirmation-No")]
    [InlineData("X-Registered: Yes\r\nX-Confirmation-No: 2026112110bob@example.test0000000000000000\r\n" + Signature + "From: x@example.net\r\n", "no single From address")]
    public async Task AnIncompleteOrMalformedClaimFailsWithoutAskingAndIsTaggedAndWarned(string stamps, string reason)
    {
        var check = new RegistryCheck(_unreachable, "warn");
        using var result = await VerifyAsync(stamps + Letter);
        Assert.Equal(reason, await check.ApplyAsync(result, "bob@example.test", null, CancellationToken.None));
        Assert.Equal(1, check.Failures);

        var stored = Write(result);
        Assert.Contains("; mailfilter-registry=fail (" + reason + ")", Unfolded(stored), StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: [SUSPECTED PHISHING] pay now\r\n", stored, StringComparison.Ordinal);
        Assert.StartsWith("X-MailFilter-Warning: this message claims to be registered mail", Unfolded(stored[(stored.IndexOf("X-MailFilter-Warning", StringComparison.Ordinal))..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TagOnlyAddsNoWarningAndNoClaimChangesNothing()
    {
        var check = new RegistryCheck(_unreachable, "tag");
        using (var result = await VerifyAsync("X-Registered: Yes\r\n" + Letter))
        {
            Assert.NotNull(await check.ApplyAsync(result, "bob@example.test", null, CancellationToken.None));
            var stored = Write(result);
            Assert.DoesNotContain("X-MailFilter-Warning", stored, StringComparison.Ordinal);
            Assert.Contains("[SUSPECTED PHISHING] pay now", stored, StringComparison.Ordinal);
        }

        using (var result = await VerifyAsync("X-Registered: No\r\n" + Letter))
        {
            Assert.Null(await check.ApplyAsync(result, "bob@example.test", null, CancellationToken.None));
            var stored = Write(result);
            Assert.DoesNotContain("mailfilter-registry", stored, StringComparison.Ordinal);
            Assert.EndsWith("X-Registered: No\r\n" + Letter, stored, StringComparison.Ordinal);
        }

        Assert.Equal(1, check.Failures);
    }

    [Fact]
    public async Task WarnPutsAWarningPartFirstAndKeepsTheOriginalBodyByteForByte()
    {
        const string body = "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPay invoice 17.\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>Pay invoice 17.</p>\r\n--b1--\r\n";
        const string letter = "From: alice@example.net\r\nTo: bob@example.test\r\nSubject: pay now\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n" + body;
        var check = new RegistryCheck(_unreachable, "warn");
        using var result = await VerifyAsync("X-Registered: Yes\r\n" + letter);
        Assert.Equal("no X-Confirmation-No", await check.ApplyAsync(result, "bob@example.test", null, CancellationToken.None));
        Assert.Null(result.Folder);
        var stored = Write(result);
        Assert.Contains("Content-Type: multipart/alternative; boundary=b1\r\n\r\n" + body, stored, StringComparison.Ordinal);

        // Python's email package, an independent reader, sees the warning first and the original alternative second.
        var judged = Python("""
            import email, sys
            from email import policy
            m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
            parts = list(m.iter_parts())
            print(m.get_content_type(), m["Subject"], len(parts))
            print(parts[0].get_content_type(), "SUSPECTED PHISHING" in parts[0].get_content(), "not matching" in parts[0].get_content() or "X-Confirmation-No" in parts[0].get_content())
            print(parts[1].get_content_type(), [p.get_content().strip() for p in parts[1].iter_parts()])
            """, stored);
        Assert.Equal(
            "multipart/mixed [SUSPECTED PHISHING] pay now 2\n"
            + "text/plain True True\n"
            + "multipart/alternative ['Pay invoice 17.', '<p>Pay invoice 17.</p>']\n", judged);
    }

    [Fact]
    public async Task QuarantineNamesTheFolderAndWarnsInAHeaderOnly()
    {
        var check = new RegistryCheck(_unreachable, "quarantine", "Suspect");
        using var result = await VerifyAsync("X-Registered: Yes\r\n" + Letter);
        Assert.NotNull(await check.ApplyAsync(result, "bob@example.test", null, CancellationToken.None));
        Assert.Equal("Suspect", result.Folder);
        var stored = Write(result);
        Assert.Contains("X-MailFilter-Warning: ", stored, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nbody\r\n", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("multipart", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWellFormedClaimIsAskedAndAnUnreachableAuthdThrowsSoTheDeliveryTempfails()
    {
        var check = new RegistryCheck(_unreachable, "tag");
        using var result = await VerifyAsync("X-Registered: Yes\r\nX-Confirmation-No: 2026112110alice@example.net0000000000000000\r\n" + Signature + Letter);
        await Assert.ThrowsAsync<AuthdUnavailableException>(() => check.ApplyAsync(result, "bob@example.test", null, CancellationToken.None));
        Assert.Equal(0, check.Failures);
    }

    public void Dispose() => _unreachable.Dispose();

    private static async Task<InboundResult> VerifyAsync(string message) =>
        await new InboundVerifier(new NoKeys()).VerifyAsync(new MemoryStream(Encoding.UTF8.GetBytes(message)), new InboundRequest
        {
            MailFrom = "alice@example.net",
            Recipient = "bob@example.test",
            Unwrapper = new NoUnwrapper(),
            ReplayGuard = new MemoryReplayGuard(),
        });

    private static string Write(InboundResult result)
    {
        using var output = new MemoryStream();
        result.WriteTo(output, "mx.example.test");
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static string Python(string script, string input)
    {
        var start = new System.Diagnostics.ProcessStartInfo("python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = System.Diagnostics.Process.Start(start)!;
        python.StandardInput.Write(input);
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEnd();
        var error = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, error);
        return output;
    }

    private static string Unfolded(string text) => text.Replace("\r\n\t", " ", StringComparison.Ordinal).Replace("\r\n ", " ", StringComparison.Ordinal);

    private sealed class NoKeys : ISigningKeyResolver
    {
        public ValueTask<SigningKeyRecord?> FindSigningKeyAsync(KeyId kid, CancellationToken cancellationToken) => ValueTask.FromResult<SigningKeyRecord?>(null);
    }

    private sealed class NoUnwrapper : IFileKeyUnwrapper
    {
        public ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<UnwrappedFileKey?>(null);
    }
}
