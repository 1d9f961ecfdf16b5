using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MailFilter.Hosting;

public static class LoggingBuilderExtensions
{
    /// <summary>Console logging in the journal format, framework chatter only from warnings up.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The formatter's options are set in code, never bound "
        + "from configuration (settings come from mailfilter.conf), so trimmed option properties cannot be missed.")]
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
