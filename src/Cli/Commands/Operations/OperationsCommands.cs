using System.CommandLine;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>The day-2 commands (issue 9): config check, postfix-setup, doctor, stats.</summary>
internal static class OperationsCommands
{
    public static void AddTo(RootCommand root, CliContext context)
    {
        root.Add(ConfigCommand.Create(context));
        root.Add(PostfixSetupCommand.Create(context));
        root.Add(DoctorCommand.Create(context));
        root.Add(StatsCommand.Create(context));
    }
}
