using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MailFilter.Hosting;

public static class LoggingBuilderExtensions
{
    /// <summary>Console logging in the journal format, framework chatter only from warnings up.</summary>
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
