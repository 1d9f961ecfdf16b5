using System.CommandLine;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>
/// <c>mailfilterctl keys restore FILE (--identity F | --passphrase-file F)</c>: puts back the keys of a backup.
/// Keys already stored are skipped; a backup's current key for an address that has another current key now is
/// restored as a previous key, so it still opens old mail.
/// </summary>
internal static class KeysRestoreCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "the backup file" };
        var identity = new Option<string?>("--identity", "-i") { Description = "an age identity file (AGE-SECRET-KEY-1…) for a backup made to an age recipient" };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "the passphrase on this file's first line (- for standard input); without it and without --identity, asked on the terminal" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("restore", "Restore the keys of an encrypted backup.") { file, identity, passphraseFile, socket, json };
        command.SetAction((parse, ct) =>
        {
            byte[] data;
            string? identityText = null, passphrase = null;
            try
            {
                data = File.ReadAllBytes(parse.GetValue(file)!);
                if (parse.GetValue(identity) is { } id)
                {
                    identityText = SecretInput.ReadKeyText(id);
                }
                else
                {
                    passphrase = parse.GetValue(passphraseFile) is { } pf ? SecretInput.ReadFirstLine(pf) : SecretInput.Prompt(context.Error, "backup passphrase: ", confirm: false);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"keys restore: {e.Message}");
                return Task.FromResult(ExitCodes.NoInput);
            }

            return AuthdCall.RunAsync(context, "keys restore", parse.GetValue(socket)!, async client =>
            {
                var result = await client.RestoreAsync(new RestoreRequest { Data = data, Identity = identityText, Passphrase = passphrase }, ct);
                context.Output.WriteLine(parse.GetValue(json)
                    ? JsonSerializer.Serialize(result, AuthdCall.Json.RestoreResponse)
                    : $"{result.Restored} keys restored, {result.Skipped} already present, {result.Demoted} restored as previous keys");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
