using System.CommandLine;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>
/// <c>mailfilterctl keys backup --output FILE (--recipient age1… | --passphrase-file F)</c>: every key, private
/// parts included, encrypted inside mailfilter-authd to age recipients (a plain age file: <c>age -d -i</c> opens
/// it) or to a passphrase (Argon2id). The file is written with mode 0600 and never overwritten.
/// </summary>
internal static class KeysBackupCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--output", "-o") { Description = "the backup file to create", Required = true };
        var recipient = new Option<string[]>("--recipient", "-r") { Description = "encrypt to this age recipient (age1…), repeatable" };
        var passphraseFile = new Option<string?>("--passphrase-file") { Description = "encrypt to the passphrase on this file's first line (- for standard input); without it and without --recipient, asked on the terminal" };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("backup", "Write an encrypted backup of every key.") { output, recipient, passphraseFile, socket, json };
        command.SetAction((parse, ct) =>
        {
            var recipients = parse.GetValue(recipient) ?? [];
            string? passphrase = null;
            try
            {
                passphrase = parse.GetValue(passphraseFile) is { } pf ? SecretInput.ReadFirstLine(pf)
                    : recipients.Length == 0 ? SecretInput.Prompt(context.Error, "backup passphrase: ", confirm: true) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                context.Error.WriteLine($"keys backup: {e.Message}");
                return Task.FromResult(ExitCodes.NoInput);
            }

            if (recipients.Length == 0 && passphrase is null)
            {
                context.Error.WriteLine("keys backup: give --recipient or --passphrase-file");
                return Task.FromResult(ExitCodes.Usage);
            }

            var path = parse.GetValue(output)!;
            if (File.Exists(path))
            {
                context.Error.WriteLine($"keys backup: {path} exists; not overwriting it");
                return Task.FromResult(ExitCodes.CantCreate);
            }

            return AuthdCall.RunAsync(context, "keys backup", parse.GetValue(socket)!, async client =>
            {
                var file = await client.BackupAsync(new BackupRequest { Passphrase = recipients.Length > 0 ? null : passphrase, Recipients = recipients.Length > 0 ? recipients : null }, ct);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
                await using (var stream = new FileStream(path, options))
                {
                    await stream.WriteAsync(file, ct);
                }

                context.Output.WriteLine(parse.GetValue(json)
                    ? $"{{\"file\": {System.Text.Json.JsonSerializer.Serialize(Path.GetFullPath(path))}, \"bytes\": {file.Length}}}"
                    : $"backup written to {path} ({file.Length} bytes, encrypted to {(recipients.Length > 0 ? string.Join(", ", recipients) : "the passphrase")})");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
