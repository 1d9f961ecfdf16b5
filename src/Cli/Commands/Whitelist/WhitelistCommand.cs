using System.CommandLine;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl whitelist ...</c>: each user's egress whitelist (docs/whitelist.md), in mailfilter-authd.</summary>
internal static class WhitelistCommand
{
    public static Command Create(CliContext context) => new("whitelist", "Administer users' egress whitelists (contacts by address or domain).")
    {
        WhitelistListCommand.Create(context),
        WhitelistAddCommand.Create(context),
        WhitelistRemoveCommand.Create(context),
        WhitelistImportCommand.Create(context),
        WhitelistExportCommand.Create(context),
    };
}
