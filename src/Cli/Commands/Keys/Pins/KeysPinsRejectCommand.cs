using System.CommandLine;

namespace MailFilter.Cli.Commands.Keys.Pins;

/// <summary><c>mailfilterctl keys pins reject ADDRESS [--use ...] [--kid NEW-KID] [--json]</c>: the new keys of the pending changes are never used.</summary>
internal static class KeysPinsRejectCommand
{
    public static Command Create(CliContext context) => PinDecisionCommand.Create(context, accept: false);
}
