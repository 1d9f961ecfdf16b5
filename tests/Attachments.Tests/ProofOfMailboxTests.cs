using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MailFilter.Attachments.Tests.Support;

namespace MailFilter.Attachments.Tests;

/// <summary>
/// Downloads of attachments from encrypted mail (docs/attachments.md §6): a forwarded link alone gets the proof page, never
/// the file; the one-time code travels by real mail (authd → Postfix → Maildir); the session it opens is bound to that
/// recipient, so the other recipient's token is refused, encrypted or not.
/// </summary>
public sealed partial class ProofOfMailboxTests(FilesystemLab lab) : IClassFixture<FilesystemLab>
{
    [Fact]
    public async Task The_file_is_released_only_to_a_browser_that_proved_the_recipients_mailbox()
    {
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(200_000);
        var links = await lab.SendAsync(content, "secret plan.pdf", "alice@example.test", ["bob@example.org", "carol@example.org"], encrypted: true);
        var bob = AttachmentLab.PathOf(links.Single(l => l.Recipient == "bob@example.org"));
        var carol = AttachmentLab.PathOf(links.Single(l => l.Recipient == "carol@example.org"));
        var plain = AttachmentLab.PathOf((await lab.SendAsync(content, "open.pdf", "alice@example.test", ["carol@example.org"]))[0]);

        // A forwarded link alone: the proof page, 403, no file.
        using (var stranger = lab.Browser())
        using (var page = await stranger.GetAsync(bob))
        {
            Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("id=\"proof\"", html, StringComparison.Ordinal);
            Assert.Contains("b***@example.org", html, StringComparison.Ordinal);
            Assert.DoesNotContain("bob@example.org", html, StringComparison.Ordinal);
        }

        var cookies = new CookieContainer();
        using var browser = lab.Browser(cookies);
        using (var sent = await browser.PostAsync(bob, Form(("action", "send"))))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            Assert.Contains("id=\"code\"", await sent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var code = await CodeMailedToAsync("bob@example.org");
        using (var wrong = await browser.PostAsync(bob, Form(("action", "verify"), ("code", code == "00000000" ? "11111111" : "00000000"))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }

        using (var right = await browser.PostAsync(bob, Form(("action", "verify"), ("code", code))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
            Assert.Equal(bob, right.Headers.Location!.OriginalString);
            var cookie = right.Headers.GetValues("Set-Cookie").Single();
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/a/", cookie, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(content, await browser.GetByteArrayAsync(bob));

        // Proved as bob: carol's tokens are refused, the encrypted one and the plain one alike.
        foreach (var other in new[] { carol, plain })
        {
            using var refused = await browser.GetAsync(other);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("access denied\n", await refused.Content.ReadAsStringAsync());
        }

        // The code was used once; a second browser cannot reuse it.
        using var second = lab.Browser(new CookieContainer());
        using (var reuse = await second.PostAsync(bob, Form(("action", "verify"), ("code", code))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reuse.StatusCode);
        }

        // A forged session cookie proves nothing.
        using var forged = lab.Browser();
        using var forgedRequest = new HttpRequestMessage(HttpMethod.Get, bob);
        forgedRequest.Headers.Add("Cookie", "mf_proof=" + new string('A', 43));
        using (var response = await forged.SendAsync(forgedRequest))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("id=\"proof\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains("mailbox bob@example.org proved", lab.AuthdLog, StringComparison.Ordinal);
        Assert.DoesNotContain(code, lab.AuthdLog, StringComparison.Ordinal);
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Waits for authd's code mail to <paramref name="address"/> in the Postfix Maildir; the code in it.</summary>
    private async Task<string> CodeMailedToAsync(string address)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            foreach (var file in lab.Postfix.Deliveries())
            {
                var text = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
                if (text.Contains("To: <" + address + ">", StringComparison.Ordinal) && CodePattern().Match(text) is { Success: true } match)
                {
                    return match.Groups[1].Value;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "no code mail to " + address + "\n" + lab.Postfix.Maillog + "\n" + lab.AuthdLog);
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"download page:\s+(\d{8})\s")]
    private static partial Regex CodePattern();
}
