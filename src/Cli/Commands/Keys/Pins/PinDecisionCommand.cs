using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys.Pins;

/// <summary>
/// What <c>mailfilterctl keys pins accept|reject ADDRESS [--use ...] [--kid NEW-KID] [--json]</c> share: decide
/// the pending pin changes of an address. Accept after checking the new key with its owner out of band (the fingerprint
/// `keys pins show` prints); reject when it is not theirs.
/// </summary>
internal static class PinDecisionCommand
{
    public static Command Create(CliContext context, bool accept)
    {
        string name = accept ? "accept" : "reject";
        var address = new Argument<string>("ADDRESS") { Description = "the address whose pin change to decide" };
        var use = AuthdCall.UseOption("sign, encrypt or both (default both)");
        var kid = new Option<string?>("--kid") { Description = "only the change to this new key id" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command(name, accept
            ? "Accept the pending pin changes of an address: its new keys are used from now on."
            : "Reject the pending pin changes of an address: its new keys are never used; the pinned ones stay.") { address, use, kid, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, $"keys pins {name}", parse.GetValue(socket)!, async client =>
        {
            var request = new PinDecisionRequest { Address = parse.GetValue(address)!, Use = parse.GetValue(use), Kid = parse.GetValue(kid) };
            var before = (await client.ListPinsAsync(request.Address, pendingOnly: true, cancellationToken: ct)).Changes.Select(c => c.Id).ToHashSet();
            var after = accept ? await client.AcceptPinAsync(request, ct) : await client.RejectPinAsync(request, ct);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(after, AuthdCall.Json.PinsResponse));
                return ExitCodes.Ok;
            }

            foreach (var c in after.Changes.Where(c => before.Contains(c.Id) && c.State != "pending"))
            {
                context.Output.WriteLine($"{c.State,-9} {c.Address}  {PinTable.Use(c.Use),-7}  {c.OldKid ?? "(none)"} -> {c.NewKid}");
            }

            foreach (var k in after.Keys.Where(k => k.Pin is { Current: true }))
            {
                context.Output.WriteLine($"current   {k.Address}  {PinTable.Use(k.Use),-7}  {k.Kid}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
