namespace MailFilter.Mime.Tests;

public class DateTests
{
    [Theory]
    [InlineData("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00")]
    [InlineData("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T10:52:37+02:00")]
    [InlineData("Thu, 13 Feb 1969 23:32:54 -0330", "1969-02-13T23:32:54-03:30")]
    [InlineData("Fri, 21 Nov 1997 09:55:06 -0600 (MDT)", "1997-11-21T09:55:06-06:00")]
    [InlineData("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06+00:00")]
    [InlineData("Mon, 18 Nov 02 10:00 EST", "2002-11-18T10:00:00-05:00")]
    [InlineData("Thu, 10 Jan 2002 13:59:53 -0800", "2002-01-10T13:59:53-08:00")]
    [InlineData("Thu Jan 10 13:59:53 2002", "2002-01-10T13:59:53+00:00")]
    [InlineData("Sat, 19 Sep 2009 21:41:40 +0400 (MSD)", "2009-09-19T21:41:40+04:00")]
    [InlineData("10 January 2002 13:59:53 PDT", "2002-01-10T13:59:53-07:00")]
    [InlineData("Wed, 04 Jul 101 12:00:00 +0000", "2001-07-04T12:00:00+00:00")]
    [InlineData("Fri, 21 Nov 1997 09:55:06 Z", "1997-11-21T09:55:06+00:00")]
    public void ParsesCurrentAndObsoleteForms(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DateParser.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("32 Jan 2002 10:00:00 +0000")]
    [InlineData("Fri, 21 Nov 09:55:06 -0600")]
    public void RefusesWhatIsNotADate(string text)
    {
        Assert.False(DateParser.TryParse(text, out _));
        Assert.Throws<MimeFormatException>(() => DateParser.Parse(text));
    }
}
