using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>
/// <c>mailfilterctl keys export-public ADDRESS [--use ...] [--json]</c>: the current public keys, to hand to a
/// peer: the encryption key as an age recipient (<c>age1…</c>, usable with <c>age -r</c>), the signing key as
/// base64 (the form of a DKIM key record's p=).
/// </summary>
internal static class KeysExportPublicCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Argument<string>("ADDRESS") { Description = "the mailbox address" };
        var use = AuthdCall.UseOption("sign, encrypt or both (default both)");
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("export-public", "Print the current public keys of an address (age recipient, Ed25519 base64).") { address, use, socket, json };
        command.SetAction((parse, ct) => AuthdCall.RunAsync(context, "keys export-public", parse.GetValue(socket)!, async client =>
        {
            var wanted = parse.GetValue(use);
            var keys = (await client.GetKeysAsync(parse.GetValue(address)!, ct)).Where(k => k.Current && (wanted is null || k.Use == wanted)).ToList();
            if (keys.Count == 0)
            {
                context.Error.WriteLine($"keys export-public: {parse.GetValue(address)} has no current key");
                return ExitCodes.NoSuchKey;
            }

            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new KeyList { Keys = keys }, AuthdCall.Json.KeyList));
                return ExitCodes.Ok;
            }

            foreach (var k in keys)
            {
                context.Output.WriteLine(k.Use == KeyUse.Encrypt
                    ? $"{k.AgeRecipient}"
                    : $"ed25519:{Convert.ToBase64String(k.PublicKey)}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
