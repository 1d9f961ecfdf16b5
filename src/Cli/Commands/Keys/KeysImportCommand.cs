using System.CommandLine;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>
/// <c>mailfilterctl keys import ADDRESS --use encrypt|sign FILE</c>: a private key made elsewhere becomes the
/// address's current key (the previous one is retired, not deleted). encrypt: an age identity file
/// (<c>AGE-SECRET-KEY-1…</c>, as age-keygen writes it); sign: the base64 of a 32-byte Ed25519 seed.
/// </summary>
internal static class KeysImportCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Argument<string>("ADDRESS") { Description = "the mailbox address" };
        var file = new Argument<string>("FILE") { Description = "the key file (- for standard input)" };
        var use = AuthdCall.UseOption("encrypt (an age identity file) or sign (base64 Ed25519 seed)");
        use.Required = true;
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("import", "Import a private key as the current key of an address.") { address, file, use, socket, json };
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(use) is not { } keyUse)
            {
                context.Error.WriteLine("keys import: --use must be sign or encrypt");
                return Task.FromResult(ExitCodes.Usage);
            }

            string text;
            try
            {
                text = SecretInput.ReadKeyText(parse.GetValue(file)!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"keys import: {e.Message}");
                return Task.FromResult(ExitCodes.NoInput);
            }

            return AuthdCall.RunAsync(context, "keys import", parse.GetValue(socket)!, async client =>
            {
                var result = await client.ImportAsync(new ImportRequest { Address = parse.GetValue(address)!, Use = keyUse, PrivateKey = text }, ct);
                KeyChangeOutput.Write(context, result, parse.GetValue(json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
