using System.CommandLine;

namespace MailFilter.Cli.Commands.Keys;

/// <summary><c>mailfilterctl keys rotate ADDRESS [--use ...]</c>: new current keys; the old ones stay to open and verify old mail.</summary>
internal static class KeysRotateCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Argument<string>("ADDRESS") { Description = "the mailbox address" };
        var use = AuthdCall.UseOption("sign, encrypt or both (default both)");
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("rotate", "Replace the current keys of an address; old keys stay for opening and verifying old mail.") { address, use, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "keys rotate", parse.GetValue(socket)!, async client =>
        {
            var result = await client.RotateAsync(parse.GetValue(address)!, parse.GetValue(use), ct);
            KeyChangeOutput.Write(context, result, parse.GetValue(json));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
