using System.CommandLine;
using System.Text.Json;
using MailFilter.Cli.Commands.Keys;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary><c>mailfilterctl whitelist list USER [--json]</c>.</summary>
internal static class WhitelistListCommand
{
    public static Command Create(CliContext context)
    {
        var user = new Argument<string>("USER") { Description = "the user whose list to show" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("list", "Show a user's whitelist and its version.") { user, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "whitelist list", parse.GetValue(socket)!, async client =>
        {
            var list = await client.GetWhitelistAsync(parse.GetValue(user)!, ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(list, WhitelistOutput.Json.WhitelistResponse));
            }
            else
            {
                WhitelistOutput.Entries(context.Output, list);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
