using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Web;
using MailFilter.Lab;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Attachments.Tests;

/// <summary>[attachments] (docs/attachments.md §10): defaults, every key, and every bad value named; and the download path's parsers.</summary>
public sealed class AttachmentSettingsTests
{
    [Fact]
    public void The_defaults()
    {
        var s = Load("[registry]\npublic_url = https://mail.example.test/\n", out var errors);
        Assert.Empty(errors);
        Assert.Equal("filesystem", s.Store);
        Assert.Equal("/var/lib/mailfilter/attachments", s.Path);
        Assert.Null(s.Quota);
        Assert.Equal(1024L * 1024 * 1024, s.MaxFileSize);
        Assert.Equal("https://mail.example.test", s.LinkBaseUrl);
        Assert.Equal(30, s.ExpiryDays);
        Assert.Null(s.DownloadLimit);
        Assert.Equal(TimeSpan.FromHours(1), s.GcGrace);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var secret = TempFiles.Write();
        var s = Load($"""
            [attachments]
            store = s3
            path = /srv/att
            s3_endpoint = http://127.0.0.1:9000
            s3_region = eu-central-1
            s3_bucket = mail
            s3_prefix = att/
            s3_access_key = AK
            s3_secret_key_file = {secret}
            s3_timeout = 5s
            quota = 500G
            max_file_size = 100M
            link_base_url = https://files.example.test/x/
            expiry_days = 7
            download_limit = 3
            gc_interval = 10m
            gc_grace = 0s
            released_retention = 1d
            code_ttl = 5m
            code_resend_interval = 0
            proof_ttl = 30m
            mail_from = files@example.test
            """, out var errors);
        Assert.Empty(errors);
        Assert.Equal("s3", s.Store);
        Assert.Equal(new Uri("http://127.0.0.1:9000"), s.S3Endpoint);
        Assert.Equal(500L * 1024 * 1024 * 1024, s.Quota);
        Assert.Equal("https://files.example.test/x", s.LinkBaseUrl);
        Assert.Equal(3, s.DownloadLimit);
        Assert.Equal(TimeSpan.Zero, s.GcGrace);
        Assert.Equal("files@example.test", s.MailFrom);
    }

    [Fact]
    public void A_world_readable_s3_secret_is_refused()
    {
        var secret = Path.GetTempFileName();
        try
        {
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            Load($"[attachments]\nstore = s3\ns3_endpoint = http://127.0.0.1:9000\ns3_bucket = b\ns3_access_key = AK\ns3_secret_key_file = {secret}\n", out var errors);
            Assert.Contains(errors, e => e.Contains($"[attachments] s3_secret_key_file = {secret}: readable by every user (mode 0644): chmod 0640", StringComparison.Ordinal));

            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            Load($"[attachments]\nstore = s3\ns3_endpoint = http://127.0.0.1:9000\ns3_bucket = b\ns3_access_key = AK\ns3_secret_key_file = {secret}\n", out errors);
            Assert.Empty(errors);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Theory]
    [InlineData("store = ftp", "[attachments] store = ftp: use filesystem or s3")]
    [InlineData("path = relative/dir", "not an absolute path")]
    [InlineData("quota = lots", "not a size")]
    [InlineData("max_file_size = 100G", "from 1 to 64G")]
    [InlineData("link_base_url = ftp://x", "not an http:// or https:// URL")]
    [InlineData("expiry_days = 0", "not a number from 1 to 3650")]
    [InlineData("download_limit = -1", "not a number from 1 to 1000000")]
    [InlineData("gc_grace = soon", "not a duration")]
    [InlineData("mail_from = nobody", "not a mailbox address")]
    [InlineData("s3_endpoint = http://x/path", "without a path")]
    [InlineData("store = s3", "store = s3 needs s3_endpoint")]
    [InlineData("colour = blue", "[attachments] colour: unknown setting")]
    public void Bad_values_are_named(string line, string expected)
    {
        Load("[attachments]\n" + line + "\n", out var errors);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Bericht%20%C3%9C.pdf", "Bericht Ü.pdf")]
    [InlineData("a.txt", "a.txt")]
    [InlineData("%FF.txt", null)]
    [InlineData("..", null)]
    [InlineData("..%2Fx", null)]
    [InlineData("a%2", null)]
    [InlineData("a%0Ab", null)]
    [InlineData("a b", null)]
    [InlineData("%20a", null)]
    [InlineData("%ED%A0%80", null)]
    public void Names_in_links_decode_strictly(string encoded, string? expected) => Assert.Equal(expected, DownloadPages.DecodeName(encoded));

    [Fact]
    public void Content_disposition_has_an_ascii_fallback_and_the_exact_name()
    {
        Assert.Equal("attachment; filename=\"a_b_c_.pdf\"; filename*=UTF-8''a%22b%5Cc%E2%82%AC.pdf", DownloadPages.ContentDisposition("a\"b\\c€.pdf"));
    }

    private static AttachmentSettings Load(string ini, out List<string> errors)
    {
        var path = TempFiles.Write(ini);
        var config = new ConfigurationBuilder().AddIniFile(path).Build();
        return AuthSettings.Load(config, out errors, new UnixAccounts(path, path)).Attachments;
    }
}
