using System.CommandLine;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl users ...</c>: the users who have whitelists (docs/whitelist.md), in mailfilter-authd.</summary>
internal static class UsersCommand
{
    public static Command Create(CliContext context) => new("users", "Administer whitelist users (name, password, kind, the addresses they send as).")
    {
        UsersAddCommand.Create(context),
        UsersPasswdCommand.Create(context),
        UsersListCommand.Create(context),
        UsersRemoveCommand.Create(context),
    };
}
