using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MailFilter.Lab;
using MailFilter.Mime;

namespace MailFilter.Links.Tests;

/// <summary>What the links tests share: building messages with attachments, reading links off delivered mail, and
/// downloading over HTTP with a proof of mailbox (the code authd mails to the recipient, read from its INBOX).</summary>
public static partial class LinksLab
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    public sealed record Attachment(string Header, byte[] Data, string FileName);

    public static Attachment File(string fileName, byte[] data, string type = "application/octet-stream")
    {
        string header = fileName.All(c => c < 128 && c != ' ')
            ? $"Content-Type: {type}; name=\"{fileName}\"\r\nContent-Disposition: attachment; filename=\"{fileName}\"\r\n"
            : $"Content-Type: {type}\r\nContent-Disposition: attachment;\r\n filename*=UTF-8''{Uri.EscapeDataString(fileName)}\r\n";
        return new Attachment(header, data, fileName);
    }

    /// <summary>A multipart/mixed message: a text part, then the attachments (base64).</summary>
    public static byte[] Message(string id, string from, string to, params Attachment[] attachments)
    {
        var sb = new StringBuilder();
        sb.Append($"From: {from}\r\nTo: {to}\r\nSubject: files {id}\r\nMessage-ID: <{id}@example.test>\r\nDate: {DateTimeOffset.UtcNow:ddd, dd MMM yyyy HH:mm:ss} +0000\r\n");
        sb.Append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b-" + id + "\"\r\n\r\n");
        sb.Append($"--b-{id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe files, as promised.\r\n");
        foreach (var a in attachments)
        {
            sb.Append($"--b-{id}\r\n").Append(a.Header).Append("Content-Transfer-Encoding: base64\r\n\r\n");
            var b64 = Convert.ToBase64String(a.Data);
            for (int i = 0; i < b64.Length; i += 76)
            {
                sb.Append(b64, i, Math.Min(76, b64.Length - i)).Append("\r\n");
            }
        }

        sb.Append($"--b-{id}--\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>The links of the text/plain notice block (the first text the judge reports), in order.</summary>
    public static List<string> Links(Delivered.Judged judged) => [.. LinkLine().Matches(judged.Texts[0]).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"^  Link: (\S+)\r?$", RegexOptions.Multiline)]
    private static partial Regex LinkLine();

    [GeneratedRegex(@"^\s*(\d{8})\s*$", RegexOptions.Multiline)]
    private static partial Regex CodeLine();

    /// <summary>An HTTP client that keeps cookies and does not follow redirects.</summary>
    public static HttpClient Browserless() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(120) };

    /// <summary>Proves <paramref name="recipient"/>'s mailbox through <paramref name="url"/>'s page: asks for a code, reads
    /// it from the INBOX, enters it; the client then holds the proof cookie.</summary>
    public static async Task ProveAsync(MailDomain domain, HttpClient http, string url, string recipient)
    {
        using (var first = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Forbidden, first.StatusCode);
            Assert.Contains("id=\"send\"", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        int before = (await CodesAsync(domain, recipient)).Count;
        using (var sent = await http.PostAsync(url, new FormUrlEncodedContent([new("action", "send")])))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        string code = await WaitForCodeAsync(domain, recipient, before);
        using var verified = await http.PostAsync(url, new FormUrlEncodedContent([new("action", "verify"), new("code", code)]));
        Assert.Equal(HttpStatusCode.SeeOther, verified.StatusCode);
    }

    /// <summary>The proof code of the <paramref name="before"/>+1-th code mail in the INBOX, waited for.</summary>
    public static async Task<string> WaitForCodeAsync(MailDomain domain, string recipient, int before)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            var codes = await CodesAsync(domain, recipient);
            if (codes.Count > before)
            {
                return codes[before];
            }

            await Task.Delay(250);
        }

        throw new TimeoutException("no code mail for " + recipient + "\n" + domain.Diagnostics);
    }

    private static async Task<List<string>> CodesAsync(MailDomain domain, string recipient)
    {
        var codes = new List<string>();
        foreach (var raw in await domain.MailboxAsync(recipient))
        {
            using var m = MimeMessage.Load(raw);
            if (m.Subject != "Your code to download an attachment")
            {
                continue;
            }

            string text = string.Concat(m.LeafParts.Where(p => p.ContentType.MimeType == "text/plain").Select(p => p.GetText()));
            codes.Add(CodeLine().Match(text).Groups[1].Value);
        }

        return codes;
    }
}
