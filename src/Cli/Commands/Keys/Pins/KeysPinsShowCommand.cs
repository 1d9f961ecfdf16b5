using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys.Pins;

/// <summary><c>mailfilterctl keys pins show ADDRESS [--json]</c>: every pinned key of an address with its public key, and its pin changes.</summary>
internal static class KeysPinsShowCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Argument<string>("ADDRESS") { Description = "a mailbox address of another domain" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("show", "Show the pinned keys of an address (public keys, validity, how each was confirmed) and its pin changes.") { address, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "keys pins show", parse.GetValue(socket)!, async client =>
        {
            var value = parse.GetValue(address)!;
            var pins = await client.ListPinsAsync(value, cancellationToken: ct);
            if (pins.Keys.Count == 0 && pins.Changes.Count == 0)
            {
                context.Error.WriteLine($"keys pins show: nothing pinned for {value}");
                return ExitCodes.NoSuchKey;
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(pins, AuthdCall.Json.PinsResponse));
                return ExitCodes.Ok;
            }

            foreach (var k in pins.Keys)
            {
                WriteKey(context.Output, k);
            }

            context.Output.WriteLine();
            foreach (var c in pins.Changes)
            {
                context.Output.WriteLine($"change {c.Id}: {PinTable.Use(c.Use)} {c.OldKid ?? "(none)"} -> {c.NewKid}, {c.State}, seen {KeyTable.Time(c.SeenAt)} from {c.Source}"
                    + (c.ResolvedBy is { } by ? $", {c.State} by {by} at {PinTable.Time(c.ResolvedAt)}" : string.Empty));
            }

            if (pins.Changes.Any(c => c.State == "pending"))
            {
                context.Output.WriteLine($"decide with: mailfilterctl keys pins accept|reject {value} [--kid NEW-KID]");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteKey(TextWriter output, KeyInfo k)
    {
        output.WriteLine($"{k.Address} {PinTable.Use(k.Use)} key {k.Kid} (pin {PinTable.PinState(k)}, key {KeyTable.State(k)})");
        output.WriteLine($"  public key    {Convert.ToBase64String(k.PublicKey)}");
        if (k.AgeRecipient is { } recipient)
        {
            output.WriteLine($"  recipient     {recipient}");
        }

        output.WriteLine($"  not before    {KeyTable.Time(k.NotBefore)}");
        output.WriteLine($"  not after     {PinTable.Time(k.NotAfter)}");
        if (k.RevokedAt is { } revoked)
        {
            output.WriteLine($"  revoked       {KeyTable.Time(revoked)}{(k.RevocationReason is { } reason ? ": " + reason : string.Empty)}");
        }

        output.WriteLine($"  confirmed by  {k.Pin?.ConfirmedBy ?? "-"}{(k.Pin?.Replaces is { } r ? $" (replaces {r})" : string.Empty)}");
        output.WriteLine($"  first seen    {PinTable.Time(k.Pin?.FirstSeen)}");
        output.WriteLine($"  last seen     {PinTable.Time(k.Pin?.LastSeen)}");
        output.WriteLine($"  source        {k.Pin?.Source ?? "-"}");
    }
}
