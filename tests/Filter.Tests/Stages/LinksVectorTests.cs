using System.Text;
using System.Text.RegularExpressions;
using MailFilter.Filter.Configuration;

namespace MailFilter.Filter.Tests.Stages;

/// <summary>The test vector of docs/attachments.md ("Replacement in the message"): its input message, run through the
/// links stage (links = always, one recipient, the in-memory store's links, fixed boundaries; not signed or encrypted),
/// gives exactly its output message.</summary>
public sealed partial class LinksVectorTests
{
    public static string DocPath => Path.Combine(Lab.Repo.Root, "docs", "attachments.md");

    [Fact]
    public async Task TheDocumentedInputGivesTheDocumentedOutput()
    {
        string doc = File.ReadAllText(DocPath);
        string input = Block(doc, "links-input");
        string expected = Block(doc, "links-output");
        string actual = await RunAsync(input);
        if (actual != expected)
        {
            // For a deliberate change of the format: the new output to put into the document, LF line ends.
            File.WriteAllText(Path.Combine(Path.GetTempPath(), "links-vector-output.eml"), actual.ReplaceLineEndings("\n"));
        }

        Assert.Equal(expected, actual);
    }

    /// <summary>The output of the stage for <paramref name="input"/>, CRLF.</summary>
    public static async Task<string> RunAsync(string input)
    {
        var policy = new PolicySettings
        {
            LocalDomains = new HashSet<string>(["example.test"], StringComparer.OrdinalIgnoreCase),
            Default = new PolicyRule(SignPolicy.Never, EncryptPolicy.Never) { Links = LinksPolicy.Always },
        };
        await using var h = new StageHarness(policy) { Store = new FakeAttachmentStore(), Trace = false };
        var outcome = await h.RunAsync(input, ["bob@example.test"]);
        Assert.Equal("continue", outcome.Verdict);
        return outcome.Text;
    }

    /// <summary>The fenced block after <c>&lt;!-- vector: NAME --&gt;</c>, with CRLF line ends.</summary>
    private static string Block(string doc, string name)
    {
        var m = Regex.Match(doc, "<!-- vector: " + Regex.Escape(name) + " -->\\s*```[a-z]*\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(m.Success, "no vector " + name + " in " + DocPath);
        return m.Groups[1].Value.ReplaceLineEndings("\r\n");
    }
}

public sealed class LinksFileNameTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\a\\Bericht Ü.pdf", "Bericht Ü.pdf")]
    [InlineData("a\tb\u0001c.txt", "abc.txt")]
    [InlineData("dir/", "attachment")]
    [InlineData("..", "attachment")]
    public void TheStoredNameHasNoDirectoryAndNoControlCharacters(string given, string stored)
    {
        var part = new MailFilter.Mime.MimePart("application", "octet-stream");
        part.SetFileName(given);
        Assert.Equal(stored, MailFilter.Filter.Milter.Stages.LinksStage.FileNameOf(part));
    }

    [Fact]
    public void ALongNameIsShortenedTo255BytesBeforeItsExtension()
    {
        var part = new MailFilter.Mime.MimePart("application", "pdf");
        part.SetFileName(new string('ü', 200) + ".pdf");
        string name = MailFilter.Filter.Milter.Stages.LinksStage.FileNameOf(part);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(name) <= 255);
        Assert.EndsWith("üü.pdf", name, StringComparison.Ordinal);
    }
}
