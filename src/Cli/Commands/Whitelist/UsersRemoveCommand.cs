using System.CommandLine;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl users remove NAME</c>: the user, its addresses and its whole whitelist.</summary>
internal static class UsersRemoveCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "the user" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("remove", "Remove a user with its addresses and its whitelist.") { name, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "users remove", parse.GetValue(socket)!, async client =>
        {
            WhitelistOutput.User(context.Output, "removed", await client.RemoveUserAsync(parse.GetValue(name)!, ct), parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
