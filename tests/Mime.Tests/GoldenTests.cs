namespace MailFilter.Mime.Tests;

/// <summary>
/// Structure summaries (MimeDump.WriteTree) of a set of corpus messages, checked in under TestData/golden and
/// compared on every run. Regenerate with MIME_UPDATE_GOLDENS=1 and review the diff.
/// </summary>
public class GoldenTests
{
    public static readonly TheoryData<string> Messages =
    [
        "postal-mime/mimetorture.eml",
        "postal-mime/arf.eml",
        "postal-mime/calendar-event.eml",
        "cpython/msg_02.txt",
        "cpython/msg_15.txt",
        "cpython/msg_39.txt",
        "cpython/mailbox_01.mbox",
        "mimekit/messages/multipart-digest.txt",
        "mimekit/messages/delivery-status.txt",
        "mimekit/messages/disposition-notification.txt",
        "mimekit/messages/simple-embedded-message.eml",
        "mimekit/messages/japanese.txt",
        "mimekit/messages/stack-overflow.txt",
        "mimekit/mbox/simple.mbox.txt",
        "stalwart-mail-parser/rfc/007.eml",
        "stalwart-mail-parser/malformed/001.eml",
        "stalwart-mail-parser/malformed/005.eml",
        "stalwart-mail-parser/thirdparty/003.eml",
        "james-mime4j/core/src/test/resources/testmsgs/base64encoded-rfc822message.msg",
        "james-mime4j/core/src/test/resources/testmsgs/missing-inner-boundary.msg",
        "james-mime4j/core/src/test/resources/testmsgs/very-long-boundary.msg",
        "mime-tools/multi-simple.msg",
        "mime-tools/multi-2evil.msg",
        "mime-tools/attachment-filename-encoding-UTF8.msg",
        "mikel-mail/emails/attachment_emails/attachment_with_encoded_name.eml",
        "mikel-mail/emails/multi_charset/japanese_attachment_long_name.eml",
        "mikel-mail/emails/error_emails/content_transfer_encoding_x_uuencode.eml",
        "enmime/testdata/low-quality/bad-final-boundary.raw",
        "enmime/testdata/parts/extra-base64-character.raw",
        "enmime/dsn/testdata/simple_dsn.raw",
        "spamassassin/nice/mime4",
        "php-mime-mail-parser/issue274.eml",
        "bouncycastle/multi-alternative.eml",
        "thunderbird-android/autocrypt/rsa2048-broken-base64.eml",
        "thunderbird-android/mailbox/nested/nested_1.eml",
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void StructureMatchesTheGoldenFile(string relativePath)
    {
        var file = Corpus.Get(relativePath);
        var actual = Describe(file);
        var golden = Path.Combine(Corpus.TestData, "golden", file.Path.Replace('/', '_') + ".txt");
        if (Environment.GetEnvironmentVariable("MIME_UPDATE_GOLDENS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            File.WriteAllText(golden, actual);
        }

        Assert.True(File.Exists(golden), $"no golden file for {file.Path}; run with MIME_UPDATE_GOLDENS=1");
        Assert.Equal(File.ReadAllText(golden), actual);
    }

    private static string Describe(CorpusFile file)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        writer.WriteLine("# " + file.Path);
        if (file.IsMbox)
        {
            using var mbox = MboxFile.Load(file.ReadAllBytes());
            var n = 0;
            foreach (var m in mbox.Messages)
            {
                writer.WriteLine($"## message {++n}");
                MimeDump.WriteTree(m, writer);
            }
        }
        else
        {
            using var message = MimeMessage.Load(file.ReadAllBytes());
            MimeDump.WriteTree(message, writer);
        }

        return writer.ToString();
    }
}
