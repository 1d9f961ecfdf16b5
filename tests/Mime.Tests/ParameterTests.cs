namespace MailFilter.Mime.Tests;

public class ParameterTests
{
    [Fact]
    public void JoinsRfc2231ContinuationsWithoutEncoding()
    {
        var ct = ContentType.Parse("message/external-body; access-type=URL;\r\n URL*0=\"ftp://\";\r\n URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
        Assert.Equal("ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar", ct.Parameters["url"]);
        Assert.Equal("URL", ct.Parameters["access-type"]);
    }

    [Fact]
    public void DecodesRfc2231CharsetAndLanguage()
    {
        var ct = ContentType.Parse("application/x-stuff;\r\n title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
        var title = ct.Parameters.Find("title")!;
        Assert.Equal("This is ***fun***", title.Value);
        Assert.Equal("us-ascii", title.Charset);
        Assert.Equal("en-us", title.Language);
    }

    [Fact]
    public void MixesEncodedAndPlainContinuations()
    {
        var ct = ContentType.Parse("application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"");
        Assert.Equal("This is even more ***fun*** isn't it!", ct.Parameters["title"]);
    }

    [Theory]
    [InlineData("attachment; filename*=UTF-8''na%C3%AFve%20file.txt", "naïve file.txt")]
    [InlineData("attachment; filename*0*=utf-8''%E3%81%8B%E3%81%8D; filename*1*=%E3%81%8F.txt", "かきく.txt")]
    [InlineData("attachment; filename*=iso-8859-1''caf%E9.txt", "café.txt")]
    [InlineData("attachment; filename=\"=?utf-8?B?4pyULmdpZg==?=\"", "✔.gif")]
    [InlineData("attachment; filename=This is a test.txt", "This is a test.txt")]
    [InlineData("attachment; filename=\"quoted \\\"name\\\".txt\"", "quoted \"name\".txt")]
    [InlineData("attachment;\r\n\tfilename=\"folded\r\n name.txt\"", "folded name.txt")]
    [InlineData("attachment; filename=\"unterminated.txt", "unterminated.txt")]
    [InlineData("attachment; FILENAME=upper.txt", "upper.txt")]
    public void ReadsFileNamesTheWayMailWritesThem(string value, string expected) =>
        Assert.Equal(expected, ContentDisposition.Parse(value).FileName);

    [Theory]
    [InlineData("text/plain", "text/plain", null)]
    [InlineData("TEXT/HTML; CHARSET=UTF-8", "text/html", "UTF-8")]
    [InlineData(" text / plain ; charset = \"us-ascii\" (comment)", "text/plain", "us-ascii")]
    [InlineData("text/plain charset=utf-8", "text/plain", "utf-8")]
    [InlineData("text/plain; charset=us-ascii (Plain text)", "text/plain", "us-ascii")]
    [InlineData("multipart/mixed\r\n\tboundary=\"b\"", "multipart/mixed", null)]
    public void ParsesContentTypesLeniently(string value, string type, string? charset)
    {
        var ct = ContentType.Parse(value);
        Assert.Equal(type, ct.MimeType);
        Assert.Equal(charset, ct.Charset);
    }

    [Fact]
    public void AFoldedQuotedBoundaryIsUnfolded()
    {
        var ct = ContentType.Parse("multipart/mixed; boundary=\"simple\r\n boundary\"");
        Assert.Equal("simple boundary", ct.Boundary);
    }

    [Theory]
    [InlineData("")]
    [InlineData("text")]
    [InlineData("/plain")]
    public void ATypeWithoutTypeAndSubtypeIsInvalidAndReadsAsTextPlain(string value)
    {
        Assert.False(ContentType.TryParse(value, out var ct));
        Assert.Equal("text/plain", ct.MimeType);
        Assert.Throws<MimeFormatException>(() => ContentType.Parse(value));
    }

    [Fact]
    public void WritesNonAsciiAndLongValuesWithRfc2231()
    {
        var cd = new ContentDisposition("attachment");
        cd.Parameters.Set("filename", "Rapport trimestriel définitif, troisième trimestre 2026 (version longue).pdf");
        var text = cd.ToString();
        Assert.DoesNotContain(text, c => c > 0x7F);
        var back = ContentDisposition.Parse(text.Replace("; ", ";\r\n ", StringComparison.Ordinal));
        Assert.Equal("Rapport trimestriel définitif, troisième trimestre 2026 (version longue).pdf", back.FileName);
    }
}
