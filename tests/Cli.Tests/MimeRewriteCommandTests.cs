using System.Text;

namespace MailFilter.Cli.Tests;

public class MimeRewriteCommandTests
{
    [Theory]
    [InlineData("postal-mime/mimetorture.eml")]
    [InlineData("mikel-mail/emails/multi_charset/japanese_attachment_long_name.eml")]
    [InlineData("enmime/testdata/mail/mime-bad-8bit-filename.raw")]
    [InlineData("stalwart-mail-parser/thirdparty/005.eml")]
    [InlineData("mimekit/mbox/content-length.mbox.txt")]
    [InlineData("cpython/mailbox_01.mbox")]
    public async Task WritesTheInputBackByteForByte(string relativePath)
    {
        var path = MimeDumpCommandTests.Corpus(relativePath);
        var (exit, output, error) = await MimeDumpCommandTests.Run("mime-rewrite", path);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(string.Empty, error);
        Assert.Equal(File.ReadAllBytes(path), Encoding.Latin1.GetBytes(output));
    }

    [Fact]
    public async Task WritesToAFileWhenAskedTo()
    {
        var path = MimeDumpCommandTests.Corpus("cpython/msg_02.txt");
        var target = Path.Combine(Path.GetTempPath(), "mime-rewrite-" + Guid.NewGuid().ToString("N") + ".eml");
        try
        {
            var (exit, output, _) = await MimeDumpCommandTests.Run("mime-rewrite", path, "--output", target);
            Assert.Equal(ExitCodes.Ok, exit);
            Assert.Equal(string.Empty, output);
            Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(target));
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public async Task AMissingFileExitsWithNoInput()
    {
        var (exit, _, _) = await MimeDumpCommandTests.Run("mime-rewrite", "/nonexistent/message.eml");
        Assert.Equal(ExitCodes.NoInput, exit);
    }
}
