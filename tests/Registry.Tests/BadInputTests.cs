using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MailFilter.Registry.Tests.Support;

namespace MailFilter.Registry.Tests;

/// <summary>
/// docs/registry.md §4.2, §4.3, §6: bad input on every field of the API and of every form gets a clear 4xx naming what
/// is wrong, and changes nothing in the database; the per-client rate limit answers 429.
/// </summary>
public sealed class BadInputTests(RegistryLab lab) : IClassFixture<RegistryLab>, IDisposable
{
    private const string Number = "2026112109alice@example.test7k3m9q2x4w8n5p1r";
    private static readonly string s_signature = new('a', 128);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static TheoryData<string, string, string> BadQueries() => new()
    {
        // field, JSON value, what the message must say
        { "sender", "null", "sender: missing" },
        { "sender", Json(new string('a', 250) + "@example.test"), "sender: longer than 255 bytes" },
        { "sender", Json("alice@example.test\r\nBcc: eve@evil.example"), "sender: " },
        { "sender", Json("' OR '1'='1"), "sender: not a mailbox address" },
        { "recipient", Json("bob"), "recipient: not a mailbox address" },
        { "recipient", Json("bob@example.test\u0000"), "recipient: contains control characters" },
        { "date", Json("21/11/2026 09:52"), "date: neither RFC 3339" },
        { "date", Json("2026-13-45T99:00:00Z"), "date: neither RFC 3339" },
        { "date", Json(new string('1', 65)), "date: longer than 64 bytes" },
        { "confirmationNo", Json("12345"), "confirmationNo: not a confirmation number" },
        { "confirmationNo", Json(Number + "'; DROP TABLE registrations; --"), "confirmationNo: not a confirmation number" },
        { "confirmationNo", Json(new string('1', 800)), "confirmationNo: longer than" },
        { "signature", Json(new string('a', 127)), "signature: not 128 hexadecimal characters" },
        { "signature", Json(new string('g', 128)), "signature: not 128 hexadecimal characters" },
        { "signature", Json(new string('a', 129)), "signature: longer than 128 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task EachBadQueryFieldIsA400NamingTheFieldAndChangesNothing(string field, string value, string message)
    {
        var fields = new Dictionary<string, string>
        {
            ["sender"] = Json("alice@example.test"),
            ["recipient"] = Json("bob@example.test"),
            ["date"] = Json("2026-11-21T09:52:01Z"),
            ["confirmationNo"] = Json(Number),
            ["signature"] = Json(s_signature),
        };
        fields[field] = value;
        var body = "{" + string.Join(",", fields.Select(kv => $"\"{kv.Key}\":{kv.Value}")) + "}";
        var before = await SnapshotAsync();
        var (status, text) = await PostJsonAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"error\":\"bad-request\"", text, StringComparison.Ordinal);
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task NonUtf8BodiesOversizedBodiesAndRepeatedParametersAreRefused()
    {
        var before = await SnapshotAsync();
        var bytes = Encoding.UTF8.GetBytes($"{{\"sender\":\"al\u00e9ce@example.test\",\"recipient\":\"bob@example.test\",\"date\":\"2026-11-21T09:52:01Z\",\"confirmationNo\":\"{Number}\",\"signature\":\"{s_signature}\"}}");
        int e = Array.IndexOf(bytes, (byte)0xC3);
        bytes[e] = 0xFF; // not UTF-8
        using (var content = new ByteArrayContent(bytes))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var response = await _http.PostAsync(lab.PublicUrl + "/.well-known/mailfilter/v1/registry/verify", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("malformed JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var (status, text) = await PostJsonAsync("{\"sender\":\"" + new string('a', 20_000) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than 16 KiB", text, StringComparison.Ordinal);

        var get = await _http.GetAsync(lab.PublicUrl + "/.well-known/mailfilter/v1/registry/verify?sender=a@example.test&sender=b@example.test");
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Contains("sender: given more than once", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AWellFormedQueryForANumberNobodyRegisteredIsNotRegistered()
    {
        var (status, text) = await PostJsonAsync($"{{\"sender\":\"alice@example.test\",\"recipient\":\"bob@example.test\",\"date\":\"Sat, 21 Nov 2026 10:52:01 +0100\",\"confirmationNo\":\"{Number}\",\"signature\":\"{s_signature}\"}}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("{\"result\":\"not-registered\"}", text);
    }

    public static TheoryData<string, string, string> BadForms() => new()
    {
        // path, urlencoded form, what the page must say
        { "/registry/check", "sender=alice%40example.test&recipient=bob%40example.test&date=yesterday&confirmationNo=" + Uri.EscapeDataString(Number) + "&signature=" + s_signature, "date: neither RFC 3339" },
        { "/registry/check", "sender=%FF%FE%40example.test&recipient=bob%40example.test&date=2026-11-21T09%3A52%3A01Z&confirmationNo=" + Uri.EscapeDataString(Number) + "&signature=" + s_signature, "sender: not UTF-8" },
        { "/registry/check", "sender=alice%40example.test", "recipient: missing" },
        { "/registry/addresses", "address=not-an-address", "address: not a mailbox address" },
        { "/registry/addresses", "address=alice%40example.test&company=" + new string('x', 201), "company: longer than 200 characters" },
        { "/registry/addresses", "address=alice%40example.test&name=%3Cscript%3E%0D%0Aalert(1)", "name: contains control characters" },
        { "/registry/confirm", "token=short", "no longer valid" },
        { "/registry/confirm", "token=" + new string('A', 43), "no longer valid" },
        { "/registry/addresses/confirm", "address=alice%40example.test&code=12", "code: not a confirmation code" },
        { "/registry/addresses/confirm", "address=%27%3B+DROP+TABLE+addresses%3B--&code=0123456789", "address: not a mailbox address" },
        { "/registry/manage", "token=" + new string('A', 43) + "&action=unbind", "no longer valid" },
        { "/registry/manage", "token=x&action=delete-everything", "action: must be update or unbind" },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task EachBadFormFieldIsA400PageSayingWhyAndChangesNothing(string path, string form, string message)
    {
        var before = await SnapshotAsync();
        using var content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded");
        var response = await _http.PostAsync(lab.PublicUrl + path, content);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(message), html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AFormThatIsNotAFormAndAnUploadThatIsNotAMessageAreRefused()
    {
        var before = await SnapshotAsync();
        using var json = new StringContent("{}", Encoding.UTF8, "application/json");
        var response = await _http.PostAsync(lab.PublicUrl + "/registry/check", json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("send the form", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var multipart = new MultipartFormDataContent { { new ByteArrayContent("not a message at all"u8.ToArray()), "eml", "x.eml" } };
        response = await _http.PostAsync(lab.PublicUrl + "/registry/check", multipart);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sender: missing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task AClientBeyondItsRateGets429WithRetryAfter()
    {
        int port = (await lab.StartAuthdAsync("query_rate = 0.01\nquery_burst = 3")).PublicPort;
        var url = $"http://127.0.0.1:{port}/.well-known/mailfilter/v1/registry/verify?sender=a@example.test";
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(url)).StatusCode);
        }

        var limited = await _http.GetAsync(url);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(100));
        Assert.Contains("rate-limited", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode); // discovery and health are not limited
    }

    public void Dispose() => _http.Dispose();

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private async Task<(HttpStatusCode Status, string Text)> PostJsonAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await _http.PostAsync(lab.PublicUrl + "/.well-known/mailfilter/v1/registry/verify", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Row counts and the newest change of every registry table: "changes nothing" means this is the same after.</summary>
    private async Task<string> SnapshotAsync() => (await lab.SqlAsync("""
        SELECT (SELECT count(*) FROM registrations) || ' ' || (SELECT count(*) FROM addresses) || ' ' || (SELECT count(*) FROM registration_tokens)
            || ' ' || (SELECT count(*) FROM registration_tokens WHERE used_at IS NOT NULL) || ' ' || (SELECT count(*) FROM audit_log)
            || ' ' || (SELECT coalesce(string_agg(address || registration_state || coalesce(display_company, '') || code_failures, ',' ORDER BY address), '') FROM addresses)
        """)).Stdout.Trim();
}
