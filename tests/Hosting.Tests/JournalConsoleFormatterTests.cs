using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Hosting.Tests;

public class JournalConsoleFormatterTests
{
    private static string Format(LogLevel level, string message, Exception? e = null)
    {
        var writer = new StringWriter();
        var entry = new LogEntry<string>(level, "Category", new EventId(1), message, e, (s, _) => s);
        new JournalConsoleFormatter().Write(entry, null, writer);
        return writer.ToString();
    }

    [Theory]
    [InlineData(LogLevel.Information, "<6>")]
    [InlineData(LogLevel.Warning, "<4>")]
    [InlineData(LogLevel.Error, "<3>")]
    [InlineData(LogLevel.Critical, "<2>")]
    [InlineData(LogLevel.Debug, "<7>")]
    public void EachLineStartsWithItsSyslogPriority(LogLevel level, string prefix)
    {
        Assert.Equal(prefix + "4F3A1B: from=<a@x>\n", Format(level, "4F3A1B: from=<a@x>"));
    }

    [Fact]
    public void AMessageStaysOneJournalEntry()
    {
        Assert.Equal("<6>two lines\n", Format(LogLevel.Information, "two\nlines"));
    }

    [Fact]
    public void ExceptionsGiveTypeAndMessageOnTheLineAndTheStackBelowForErrors()
    {
        Exception captured;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            captured = e;
        }

        var text = Format(LogLevel.Error, "QID: stage failed", captured);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal("<3>QID: stage failed (InvalidOperationException: boom)", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("<3>    ", l, StringComparison.Ordinal));
        Assert.Equal("<4>QID: warn (InvalidOperationException: boom)\n", Format(LogLevel.Warning, "QID: warn", captured));
    }
}
