using System.CommandLine;

namespace MailFilter.Cli.Commands.Keys.Pins;

/// <summary><c>mailfilterctl keys pins accept ADDRESS [--use ...] [--kid NEW-KID] [--json]</c>: the new keys of the pending changes become the pins.</summary>
internal static class KeysPinsAcceptCommand
{
    public static Command Create(CliContext context) => PinDecisionCommand.Create(context, accept: true);
}
