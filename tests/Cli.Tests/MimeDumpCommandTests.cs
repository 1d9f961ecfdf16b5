using System.Security.Cryptography;
using System.Text.Json;
using MailFilter.Mime;

namespace MailFilter.Cli.Tests;

public class MimeDumpCommandTests
{
    [Fact]
    public async Task JsonListsEveryLeafInDocumentOrderWithTheDecodedContentsHash()
    {
        var path = Corpus("postal-mime/mimetorture.eml");
        var (exit, output, error) = await Run("mime-dump", path, "--json");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(string.Empty, error);
        using var doc = JsonDocument.Parse(output);
        var leaves = doc.RootElement.EnumerateArray().ToList();

        using var message = MimeMessage.Load(File.ReadAllBytes(path));
        var expected = message.LeafParts.ToList();
        Assert.Equal(expected.Count, leaves.Count);
        for (var i = 0; i < leaves.Count; i++)
        {
            var bytes = expected[i].GetDecodedBytes();
            Assert.Equal(expected[i].ContentType.MimeType, leaves[i].GetProperty("contentType").GetString());
            Assert.Equal(expected[i].FileName, leaves[i].GetProperty("fileName").GetString());
            Assert.Equal(expected[i].ContentType.Charset, leaves[i].GetProperty("charset").GetString());
            Assert.Equal(bytes.Length, leaves[i].GetProperty("length").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), leaves[i].GetProperty("sha256").GetString());
        }

        Assert.Equal(["1.1", "1.2.1", "1.3.1.1"], leaves.Take(3).Select(l => l.GetProperty("path").GetString()));
        Assert.DoesNotContain(leaves, l => l.GetProperty("contentType").GetString()!.StartsWith("multipart/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTreeShowsTypesSizesNamesCharsetsAndDefects()
    {
        var (exit, output, _) = await Run("mime-dump", Corpus("enmime/testdata/low-quality/bad-final-boundary.raw"));
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("1 multipart/mixed boundary=\"Enmime-Test-100\" 3 parts", output, StringComparison.Ordinal);
        Assert.Contains("1.1 text/plain charset=us-ascii 7bit 14 bytes", output, StringComparison.Ordinal);
        Assert.Contains("name=\"foo_9E5D72.zip\" attachment base64 7 bytes (13 encoded)", output, StringComparison.Ordinal);
        Assert.Contains("! CloseBoundaryNotFound", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnMboxFileIsDumpedMessageByMessage()
    {
        var (exit, output, _) = await Run("mime-dump", Corpus("mimekit/mbox/simple.mbox.txt"), "--json");
        Assert.Equal(ExitCodes.Ok, exit);
        using var doc = JsonDocument.Parse(output);
        var messages = doc.RootElement.EnumerateArray().Select(l => l.GetProperty("message").GetInt32()).Distinct().ToList();
        Assert.Equal([1, 2, 3], messages);

        var (_, text, _) = await Run("mime-dump", Corpus("mimekit/mbox/simple.mbox.txt"));
        Assert.Equal(3, text.Split('\n').Count(l => l.StartsWith("message ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AMissingFileExitsWithNoInput()
    {
        var (exit, _, error) = await Run("mime-dump", "/nonexistent/message.eml");
        Assert.Equal(ExitCodes.NoInput, exit);
        Assert.Contains("cannot read", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASingleMessageForcedToMboxWithoutAFromLineIsADataError()
    {
        var (exit, _, _) = await Run("mime-dump", Corpus("cpython/msg_02.txt"), "--format", "mbox");
        Assert.Equal(ExitCodes.DataError, exit);
    }

    /// <summary>A file of the shared corpus (../shared/corpus from the repository root).</summary>
    internal static string Corpus(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MailFilter.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus", relativePath));
            }
        }

        throw new InvalidOperationException("MailFilter.sln not found");
    }

    /// <summary>Runs mailfilterctl in-process with string writers for its output.</summary>
    internal static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
