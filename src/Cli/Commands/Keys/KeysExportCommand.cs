using System.CommandLine;
using System.Text;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>
/// <c>mailfilterctl keys export ADDRESS --secret [--kid KID] [--output FILE]</c> (root only, audited): the
/// address's X25519 identities as an age identity file, so that in an emergency `age -d -i FILE` opens the age
/// layer of its stored mail. Every encryption key of the address is written (current and previous: old mail
/// was sealed to old keys), each under comments naming it. The file is created with mode 0600.
/// </summary>
internal static class KeysExportCommand
{
    public static Command Create(CliContext context)
    {
        var address = new Argument<string>("ADDRESS") { Description = "the mailbox address" };
        var secret = new Option<bool>("--secret") { Description = "required: this writes private keys" };
        var kid = new Option<string?>("--kid") { Description = "only this encryption key" };
        var output = new Option<string?>("--output", "-o") { Description = "write to this new file (mode 0600) instead of standard output" };
        var socket = AuthdCall.SocketOption();
        var command = new Command("export", "Export the X25519 identities of an address as AGE-SECRET-KEY-1... (root only).") { address, secret, kid, output, socket };
        command.SetAction((parse, ct) =>
        {
            if (!parse.GetValue(secret))
            {
                context.Error.WriteLine("keys export: this writes private keys: add --secret (public keys: keys export-public)");
                return Task.FromResult(ExitCodes.Usage);
            }

            if (Environment.UserName != "root")
            {
                context.Error.WriteLine("keys export: --secret is for root only");
                return Task.FromResult(ExitCodes.NoPermission);
            }

            var path = parse.GetValue(output);
            if (path is not null && File.Exists(path))
            {
                context.Error.WriteLine($"keys export: {path} exists; not overwriting it");
                return Task.FromResult(ExitCodes.CantCreate);
            }

            return AuthdCall.RunAsync(context, "keys export", parse.GetValue(socket)!, async client =>
            {
                var result = await client.ExportSecretAsync(parse.GetValue(address)!, parse.GetValue(kid), ct);
                var text = new StringBuilder();
                foreach (var identity in result.Identities)
                {
                    var k = identity.Key;
                    text.Append("# MailFilter encryption key of ").Append(k.Address).Append(", kid ").Append(k.Kid).Append(" (").Append(KeyTable.State(k)).Append(")\n");
                    text.Append("# created: ").Append(KeyTable.Time(k.NotBefore)).Append(k.NotAfter is { } na ? ", valid until: " + KeyTable.Time(na) : string.Empty).Append('\n');
                    text.Append("# public key: ").Append(k.AgeRecipient).Append('\n');
                    text.Append(identity.Identity).Append('\n');
                }

                if (path is null)
                {
                    context.Output.Write(text.ToString());
                }
                else
                {
                    var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
                    await using var stream = new FileStream(path, options);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()), ct);
                    context.Error.WriteLine($"keys export: {result.Identities.Count} identities of {parse.GetValue(address)} written to {path}");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
