namespace MailFilter.Milter.Tests;

public class SmtpReplyTests
{
    [Fact]
    public void PercentSignsAreDoubledOnTheWire()
    {
        Assert.Equal("550 5.1.1 no %% user", SmtpReply.Create(550, "5.1.1", "no % user").ToWireText());
    }

    [Fact]
    public void MultiLineRepliesRepeatTheCodeAndUseCrlf()
    {
        var reply = SmtpReply.Create(550, "5.7.1", "first", "second");
        Assert.Equal("550-5.7.1 first\r\n550 5.7.1 second", reply.ToWireText());
    }

    [Fact]
    public void ReplyWithoutEnhancedCodeIsAllowed()
    {
        Assert.Equal("451 try later", SmtpReply.Create(451, null, "try later").ToWireText());
    }

    [Theory]
    [InlineData(250, "2.0.0", "ok")]
    [InlineData(600, null, "x")]
    [InlineData(550, "4.7.1", "class differs from the code")]
    [InlineData(550, "5.7", "two parts")]
    [InlineData(550, "5.7.1234", "detail too long")]
    [InlineData(550, "5.7.1", "line\r\nbreak")]
    [InlineData(550, "5.7.1", "nul\0")]
    public void InvalidRepliesAreRefusedWhenBuilt(int code, string? enhanced, string text)
    {
        Assert.ThrowsAny<ArgumentException>(() => SmtpReply.Create(code, enhanced, text));
    }

    [Fact]
    public void OverlongLinesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => SmtpReply.Create(550, "5.7.1", new string('x', 600)));
    }

    [Theory]
    [InlineData("550 5.7.1 Sender rejected", 550, "5.7.1", "Sender rejected")]
    [InlineData("451 4.3.0 50%% off", 451, "4.3.0", "50% off")]
    [InlineData("554 no enhanced code", 554, null, "no enhanced code")]
    public void WireTextParsesBack(string text, int code, string? enhanced, string line)
    {
        Assert.True(SmtpReply.TryParse(text, out var reply));
        Assert.Equal(code, reply!.Code);
        Assert.Equal(enhanced, reply.EnhancedStatus);
        Assert.Equal(line, reply.Lines[0]);
    }

    [Theory]
    [InlineData("250 ok")]
    [InlineData("55 short")]
    [InlineData("550x5.7.1 text")]
    public void BadWireTextDoesNotParse(string text)
    {
        Assert.False(SmtpReply.TryParse(text, out _));
    }
}
