using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MailFilter.Hosting;

public static class LoggingBuilderExtensions
{
    /// <summary>Console logging in the journal format, framework chatter only from warnings up.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "MailFilter sets no formatter option through "
        + "configuration (no appsettings; settings come from mailfilter.conf): a trimmed option property is one nobody sets.")]
    public static ILoggingBuilder AddMailFilterJournal(this ILoggingBuilder builder, LogLevel minimum)
    {
        builder.ClearProviders();
        builder.AddConsole(o => o.FormatterName = JournalConsoleFormatter.FormatterName);
        builder.AddConsoleFormatter<JournalConsoleFormatter, ConsoleFormatterOptions>();
        builder.SetMinimumLevel(minimum);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        builder.AddFilter("System", LogLevel.Warning);
        return builder;
    }
}
