using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace MailFilter.Hosting;

/// <summary>
/// Log lines as journald and syslog readers expect them from a mail daemon: a <c>&lt;N&gt;</c> priority
/// prefix (sd-daemon(3)), then the message itself, so that a per-message line starts with the Postfix
/// queue id (<c>&lt;6&gt;4F3A1B2C3D: from=&lt;...&gt; ...</c>) and greps like Postfix's own log. Exceptions
/// follow on the same line (type and message) and their stack on indented lines.
/// </summary>
public sealed class JournalConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "mailfilter-journal";

    public JournalConsoleFormatter()
        : base(FormatterName)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        textWriter.Write('<');
        textWriter.Write(Priority(logEntry.LogLevel));
        textWriter.Write('>');
        // A message must stay one journal entry: line breaks inside it become spaces.
        textWriter.Write(message.Replace('\n', ' ').Replace('\r', ' '));
        if (logEntry.Exception is { } e)
        {
            textWriter.Write(" (");
            textWriter.Write(e.GetType().Name);
            textWriter.Write(": ");
            textWriter.Write(e.Message.Replace('\n', ' '));
            textWriter.Write(')');
            if (logEntry.LogLevel >= LogLevel.Error && e.StackTrace is { } stack)
            {
                foreach (var line in stack.Split('\n'))
                {
                    textWriter.Write('\n');
                    textWriter.Write('<');
                    textWriter.Write(Priority(logEntry.LogLevel));
                    textWriter.Write(">    ");
                    textWriter.Write(line.TrimEnd('\r'));
                }
            }
        }

        textWriter.Write('\n');
    }

    /// <summary>syslog(3) priorities: err 3, warning 4, notice 5, info 6, debug 7.</summary>
    public static int Priority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };
}
