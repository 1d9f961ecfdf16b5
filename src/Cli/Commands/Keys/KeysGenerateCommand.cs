using System.CommandLine;

namespace MailFilter.Cli.Commands.Keys;

/// <summary><c>mailfilterctl keys generate ADDRESS [--use sign|encrypt|both]</c>: provisions the keys an address lacks (any domain). Idempotent: existing keys are reported and kept.</summary>
internal static class KeysGenerateCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Argument<string>("ADDRESS") { Description = "the mailbox address" };
        var use = AuthdCall.UseOption("sign, encrypt or both (default both)");
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("generate", "Create the keys an address does not have yet (existing keys are kept).") { address, use, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "keys generate", parse.GetValue(socket)!, async client =>
        {
            var result = await client.GenerateAsync(parse.GetValue(address)!, parse.GetValue(use), ct);
            KeyChangeOutput.Write(context, result, parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
