using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl users list [--name N] [--json]</c>.</summary>
internal static class UsersListCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string?>("--name") { Description = "only this user" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("list", "List users: name, kind, whitelist version, entries, addresses.") { name, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "users list", parse.GetValue(socket)!, async client =>
        {
            var users = await client.ListUsersAsync(parse.GetValue(name), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new UserList(users), WhitelistOutput.Json.UserList));
            }
            else
            {
                WhitelistOutput.Users(context.Output, users);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
