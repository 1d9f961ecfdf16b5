using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;
using MailFilter.Crypto.Keys;

namespace MailFilter.Cli.Commands.Keys;

/// <summary><c>mailfilterctl keys show ADDRESS|KID [--json]</c>: the keys of an address, or one key by kid, with public keys.</summary>
internal static class KeysShowCommand
{
    public static Command Create(CliContext context)
    {
        var what = new Argument<string>("ADDRESS|KID") { Description = "a mailbox address, or a 22-character key id" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("show", "Show the keys of an address (or one key by kid) with their public keys.") { what, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "keys show", parse.GetValue(socket)!, async client =>
        {
            var value = parse.GetValue(what)!;
            IReadOnlyList<KeyInfo> keys = !value.Contains('@', StringComparison.Ordinal) && KeyId.TryParse(value, out var kid)
                ? (await client.GetKeyAsync(kid, ct)) is { } one ? [one] : []
                : await client.GetKeysAsync(value, ct);
            if (keys.Count == 0)
            {
                context.Error.WriteLine($"keys show: no keys for {value}");
                return ExitCodes.NoSuchKey;
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new KeyList { Keys = keys }, AuthdCall.Json.KeyList));
                return ExitCodes.Ok;
            }

            foreach (var k in keys)
            {
                context.Output.WriteLine($"{k.Address} {(k.Use == KeyUse.Sign ? "sign" : "encrypt")} key {k.Kid} ({KeyTable.State(k)})");
                context.Output.WriteLine($"  algorithm   {k.Algorithm}");
                context.Output.WriteLine($"  public key  {Convert.ToBase64String(k.PublicKey)}");
                if (k.AgeRecipient is { } recipient)
                {
                    context.Output.WriteLine($"  recipient   {recipient}");
                }

                context.Output.WriteLine($"  not before  {KeyTable.Time(k.NotBefore)}");
                context.Output.WriteLine($"  not after   {(k.NotAfter is { } na ? KeyTable.Time(na) : "-")}");
                if (k.RevokedAt is { } revoked)
                {
                    context.Output.WriteLine($"  revoked     {KeyTable.Time(revoked)}{(k.RevocationReason is { } reason ? ": " + reason : string.Empty)}");
                }

                context.Output.WriteLine($"  origin      {k.Origin}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
