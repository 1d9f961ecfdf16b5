using System.CommandLine;
using System.Text.Json;

namespace MailFilter.Cli.Commands.Keys.Pins;

/// <summary><c>mailfilterctl keys pins list [--address A | --domain D] [--pending] [--json]</c>: pinned keys and pin changes.</summary>
internal static class KeysPinsListCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Option<string?>("--address") { Description = "only this address" };
        var domain = new Option<string?>("--domain") { Description = "only addresses of this domain" };
        var pending = new Option<bool>("--pending") { Description = "only unconfirmed keys and pending changes (what waits for accept or reject)" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("list", "List the pinned keys of other domains and the changes seen for them.") { address, domain, pending, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "keys pins list", parse.GetValue(socket)!, async client =>
        {
            var pins = await client.ListPinsAsync(parse.GetValue(address), parse.GetValue(domain), parse.GetValue(pending), ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(pins, AuthdCall.Json.PinsResponse));
            }
            else
            {
                PinTable.Write(context.Output, pins);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
