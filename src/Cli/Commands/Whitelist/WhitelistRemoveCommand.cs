using System.CommandLine;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl whitelist remove USER TARGET...</c>: all or nothing.</summary>
internal static class WhitelistRemoveCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "the user whose list to change" };
        var targets = new Argument<string[]>("TARGET") { Description = "addresses or domains on the list", Arity = ArgumentArity.OneOrMore };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("remove", "Remove addresses or domains from a user's whitelist (none is removed if one is not on it).") { user, targets, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "whitelist remove", parse.GetValue(socket)!, async client =>
        {
            WhitelistOutput.Change(context.Output, await client.RemoveWhitelistEntriesAsync(parse.GetValue(user)!, parse.GetValue(targets)!, ct), parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
