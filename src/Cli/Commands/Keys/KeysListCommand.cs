using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary><c>mailfilterctl keys list [--address A | --domain D] [--json]</c>: every key with its state (admin).</summary>
internal static class KeysListCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Option<string?>("--address") { Description = "only this address" };
        var domain = new Option<string?>("--domain") { Description = "only addresses in this domain" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("list", "List keys: address, use, kid, state (current, retired, revoked), validity.") { address, domain, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "keys list", parse.GetValue(socket)!, async client =>
        {
            var keys = await client.ListKeysAsync(parse.GetValue(address), parse.GetValue(domain), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new KeyList { Keys = keys }, AuthdCall.Json.KeyList));
            }
            else
            {
                KeyTable.Write(context.Output, keys);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
