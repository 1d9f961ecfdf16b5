using System.Text.Json;
using MailFilter.Lab;

namespace MailFilter.Cli.Tests;

/// <summary>mailfilterctl keys ... end to end against a real mailfilter-authd and PostgreSQL.</summary>
public sealed class KeysCommandTests(AuthdFixture authd) : IClassFixture<AuthdFixture>
{
    [Fact]
    public async Task GenerateCreatesBothKeysAndListShowsThemCurrent()
    {
        var generate = await authd.RunAsync("keys", "generate", "gen@example.test");
        var list = await authd.RunAsync("keys", "list", "--address", "gen@example.test");
        var json = await authd.RunAsync("keys", "list", "--address", "gen@example.test", "--json");

        Assert.Equal(0, generate.Code);
        Assert.Equal(2, generate.Out.Split('\n').Count(l => l.StartsWith("created", StringComparison.Ordinal)));
        Assert.Contains("ADDRESS", list.Out, StringComparison.Ordinal);
        Assert.Equal(2, list.Out.Split('\n').Count(l => l.Contains("  current  ", StringComparison.Ordinal)));
        using var doc = JsonDocument.Parse(json.Out);
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(["encrypt", "sign"], keys.Select(k => k.GetProperty("use").GetString()).Order());
        Assert.All(keys, k => Assert.True(k.GetProperty("current").GetBoolean()));
    }

    [Fact]
    public async Task GenerateIsIdempotentAndReportsExistingKeysUnchanged()
    {
        await authd.RunAsync("keys", "generate", "idem@example.test", "--use", "sign");
        var again = await authd.RunAsync("keys", "generate", "idem@example.test", "--json");

        Assert.Equal(0, again.Code);
        using var doc = JsonDocument.Parse(again.Out);
        Assert.Equal("sign", Assert.Single(doc.RootElement.GetProperty("unchanged").EnumerateArray()).GetProperty("use").GetString());
        Assert.Equal("encrypt", Assert.Single(doc.RootElement.GetProperty("created").EnumerateArray()).GetProperty("use").GetString());
    }

    [Fact]
    public async Task RotateKeepsTheOldKeyAsRetiredAndShowFindsItByKid()
    {
        await authd.RunAsync("keys", "generate", "rot@example.test");
        var before = Kid(await authd.RunAsync("keys", "show", "rot@example.test", "--json"), "sign", current: true);

        var rotate = await authd.RunAsync("keys", "rotate", "rot@example.test", "--use", "sign");
        var old = await authd.RunAsync("keys", "show", before, "--json");
        var text = await authd.RunAsync("keys", "show", before);

        Assert.Equal(0, rotate.Code);
        Assert.Contains($"retired    rot@example.test  sign     {before}", rotate.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(old.Out);
        var key = Assert.Single(doc.RootElement.GetProperty("keys").EnumerateArray());
        Assert.False(key.GetProperty("current").GetBoolean());
        Assert.True(key.TryGetProperty("notAfter", out _));
        Assert.Contains("(retired)", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeMarksTheKeyRevokedWithItsReason()
    {
        await authd.RunAsync("keys", "generate", "rev@example.test", "--use", "sign");
        var kid = Kid(await authd.RunAsync("keys", "show", "rev@example.test", "--json"), "sign", current: true);

        var revoke = await authd.RunAsync("keys", "revoke", "--kid", kid, "--reason", "key on a lost laptop");
        var show = await authd.RunAsync("keys", "show", kid);
        var unknown = await authd.RunAsync("keys", "revoke", "--kid", "AAAAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(0, revoke.Code);
        Assert.Contains($"revoked    rev@example.test  sign     {kid}", revoke.Out, StringComparison.Ordinal);
        Assert.Contains(": key on a lost laptop", show.Out, StringComparison.Ordinal);
        Assert.Contains("(revoked)", show.Out, StringComparison.Ordinal);
        Assert.Equal(67, unknown.Code);
    }

    [Fact]
    public async Task ShowOfAnUnknownAddressExitsNoSuchKey()
    {
        var show = await authd.RunAsync("keys", "show", "nobody-here@example.net");

        Assert.Equal(67, show.Code);
        Assert.Contains("no keys for nobody-here@example.net", show.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAgeToolOpensMailForTheExportedPublicKeyWithTheExportedSecret()
    {
        await authd.RunAsync("keys", "generate", "emergency@example.test");
        var recipient = (await authd.RunAsync("keys", "export-public", "emergency@example.test", "--use", "encrypt")).Out.Trim();
        var identity = Path.Combine(authd.Directory, "emergency.id");

        var export = await authd.RunAsync("keys", "export", "emergency@example.test", "--secret", "--output", identity);
        var sealedFile = await ProcessRunner.RunAsync("/usr/bin/age", ["-r", recipient, "-a"], "stored mail body\n"u8.ToArray());
        var opened = await ProcessRunner.RunAsync("/usr/bin/age", ["-d", "-i", identity], System.Text.Encoding.ASCII.GetBytes(sealedFile.Stdout));

        Assert.StartsWith("age1", recipient, StringComparison.Ordinal);
        Assert.Equal(0, export.Code);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(identity));
        Assert.Contains("AGE-SECRET-KEY-1", await File.ReadAllTextAsync(identity), StringComparison.Ordinal);
        Assert.Equal(0, opened.ExitCode);
        Assert.Equal("stored mail body\n", opened.Stdout);
        Assert.DoesNotContain("AGE-SECRET-KEY", authd.First.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportWithoutSecretIsAUsageError()
    {
        var export = await authd.RunAsync("keys", "export", "emergency@example.test");

        Assert.Equal(64, export.Code);
        Assert.Contains("--secret", export.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnImportedAgeIdentityBecomesTheCurrentEncryptionKey()
    {
        var keyFile = Path.Combine(authd.Directory, "imported.key");
        (await ProcessRunner.RunAsync("/usr/bin/age-keygen", "-o", keyFile)).EnsureSuccess("age-keygen");
        var recipient = (await ProcessRunner.RunAsync("/usr/bin/age-keygen", "-y", keyFile)).Stdout.Trim();

        var import = await authd.RunAsync("keys", "import", "imported@example.test", keyFile, "--use", "encrypt");
        var exported = await authd.RunAsync("keys", "export-public", "imported@example.test", "--use", "encrypt");
        var again = await authd.RunAsync("keys", "import", "imported@example.test", keyFile, "--use", "encrypt");

        Assert.Equal(0, import.Code);
        Assert.Equal(recipient, exported.Out.Trim());
        Assert.Equal(73, again.Code);
    }

    [Fact]
    public async Task APassphraseBackupRestoresIntoAnEmptyServerAndAWrongPassphraseIsRefused()
    {
        await authd.RunAsync("keys", "generate", "backup@example.test");
        var kids = Kids(await authd.RunAsync("keys", "show", "backup@example.test", "--json"));
        var passphrase = Path.Combine(authd.Directory, "passphrase");
        await File.WriteAllTextAsync(passphrase, "correct horse battery staple\n");
        var wrong = Path.Combine(authd.Directory, "wrong");
        await File.WriteAllTextAsync(wrong, "incorrect horse\n");
        var file = Path.Combine(authd.Directory, "keys.backup");

        var backup = await authd.RunAsync("keys", "backup", "--output", file, "--passphrase-file", passphrase);
        var empty = (await authd.StartAuthdAsync()).Socket;
        var refused = await authd.RunAsync(["keys", "restore", file, "--passphrase-file", wrong], empty);
        var restore = await authd.RunAsync(["keys", "restore", file, "--passphrase-file", passphrase, "--json"], empty);
        var restoredKids = Kids(await authd.RunAsync(["keys", "show", "backup@example.test", "--json"], empty));
        var twice = await authd.RunAsync(["keys", "restore", file, "--passphrase-file", passphrase, "--json"], empty);

        Assert.Equal(0, backup.Code);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(65, refused.Code);
        Assert.Contains("does not open with this passphrase", refused.Err, StringComparison.Ordinal);
        Assert.Equal(0, restore.Code);
        Assert.Equal(kids.Order(), restoredKids.Order());
        using var second = JsonDocument.Parse(twice.Out);
        Assert.Equal(0, second.RootElement.GetProperty("restored").GetInt32());
    }

    [Fact]
    public async Task ABackupToAnAgeRecipientIsAnAgeFileThatRestoresWithTheIdentity()
    {
        await authd.RunAsync("keys", "generate", "agebackup@example.test");
        var admin = Path.Combine(authd.Directory, "admin.key");
        (await ProcessRunner.RunAsync("/usr/bin/age-keygen", "-o", admin)).EnsureSuccess("age-keygen");
        var recipient = (await ProcessRunner.RunAsync("/usr/bin/age-keygen", "-y", admin)).Stdout.Trim();
        var file = Path.Combine(authd.Directory, "keys.age");

        var backup = await authd.RunAsync("keys", "backup", "-o", file, "-r", recipient);
        var plain = await ProcessRunner.RunAsync("/usr/bin/age", "-d", "-i", admin, file);
        var empty = (await authd.StartAuthdAsync()).Socket;
        var restore = await authd.RunAsync(["keys", "restore", file, "--identity", admin], empty);

        Assert.Equal(0, backup.Code);
        Assert.Equal(0, plain.ExitCode);
        using var doc = JsonDocument.Parse(plain.Stdout);
        Assert.Equal("mailfilter-keys", doc.RootElement.GetProperty("format").GetString());
        Assert.Contains(doc.RootElement.GetProperty("keys").EnumerateArray(), k => k.GetProperty("address").GetString() == "agebackup@example.test");
        Assert.Equal(0, restore.Code);
        Assert.Contains(" keys restored", restore.Out, StringComparison.Ordinal);
    }

    private static string Kid((int Code, string Out, string Err) show, string use, bool current)
    {
        Assert.Equal(0, show.Code);
        using var doc = JsonDocument.Parse(show.Out);
        return doc.RootElement.GetProperty("keys").EnumerateArray()
            .First(k => k.GetProperty("use").GetString() == use && k.GetProperty("current").GetBoolean() == current).GetProperty("kid").GetString()!;
    }

    private static List<string> Kids((int Code, string Out, string Err) show)
    {
        Assert.Equal(0, show.Code);
        using var doc = JsonDocument.Parse(show.Out);
        return [.. doc.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }
}
