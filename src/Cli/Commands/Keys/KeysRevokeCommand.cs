using System.CommandLine;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>
/// <c>mailfilterctl keys revoke ADDRESS [--use ...] | --kid KID [--reason TEXT]</c>: a revoked key verifies no
/// signature any more and is no longer encrypted to; it still opens mail already sealed to it. For a local
/// domain the next use creates a new key.
/// </summary>
internal static class KeysRevokeCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Argument<string?>("ADDRESS") { Description = "revoke the current keys of this address", Arity = ArgumentArity.ZeroOrOne };
        var kid = new Option<string?>("--kid") { Description = "revoke this one key instead" };
        var use = AuthdCall.UseOption("with ADDRESS: sign, encrypt or both (default both)");
        var reason = new Option<string?>("--reason") { Description = "why (kept with the key and in the audit log)" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("revoke", "Revoke a key (by kid) or the current keys of an address.") { address, kid, use, reason, socket, json };
        command.SetAction((parse, ct) =>
        {
            if ((parse.GetValue(address) is null) == (parse.GetValue(kid) is null))
            {
                context.Error.WriteLine("keys revoke: give either ADDRESS or --kid");
                return Task.FromResult(ExitCodes.Usage);
            }

            return AuthdCall.RunAsync(context, "keys revoke", parse.GetValue(socket)!, async client =>
            {
                var request = new RevokeRequest { Address = parse.GetValue(address), Kid = parse.GetValue(kid), Use = parse.GetValue(use), Reason = parse.GetValue(reason) };
                KeyChangeOutput.Write(context, await client.RevokeAsync(request, ct), parse.GetValue(json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
