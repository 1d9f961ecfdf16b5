using System.CommandLine;
using MailFilter.AuthClient;
using MailFilter.Cli.Commands.Keys;
using MailFilter.Crypto.Envelope;
using MailFilter.Messages;

namespace MailFilter.Cli.Commands;

/// <summary>
/// <c>mailfilterctl decrypt FILE.eml --recipient ADDR [--output FILE] [--mail-from A] [--json]</c>: opens an encrypted
/// MailFilter message for one recipient with every check of docs/envelope.md §6 (the file key unwrapped inside
/// mailfilter-authd with that recipient's keys, current or previous), verifies the signature inside, and writes the
/// inner message to --output (or standard output). Nothing is written unless the envelope opened. The verdict goes
/// to standard error, or as JSON to standard output with --json (which then needs --output). Exit 0 pass, 1 the
/// envelope was refused or the signature inside failed, 65 not an encrypted MailFilter message, 66 unreadable,
/// 69 mailfilter-authd does not answer, 73 --output exists.
/// </summary>
internal static class DecryptCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The encrypted message (.eml, or a Maildir file)." };
        var recipient = new Option<string>("--recipient") { Description = "The recipient whose keys open it.", Required = true };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the decrypted message (default: standard output)." };
        var mailFrom = new Option<string?>("--mail-from") { Description = "The delivery's MAIL FROM, for the inner signature's binding (default: Return-Path)." };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("decrypt", "Decrypt and verify an encrypted message for one recipient.") { file, recipient, output, mailFrom, socket, json };
        command.SetAction(async (parse, ct) =>
        {
            var target = parse.GetValue(output);
            bool asJson = parse.GetValue(json);
            if (asJson && target is null)
            {
                context.Error.WriteLine("mailfilterctl decrypt: --json prints the verdict on standard output: give --output for the message");
                return ExitCodes.Usage;
            }

            if (target is { Exists: true })
            {
                context.Error.WriteLine($"mailfilterctl decrypt: {target.FullName} exists");
                return ExitCodes.CantCreate;
            }

            using var message = InboundCheck.Load(context, parse.GetValue(file)!);
            if (message is null)
            {
                return ExitCodes.NoInput;
            }

            if (!InboundCheck.IsCarrier(message))
            {
                context.Error.WriteLine("mailfilterctl decrypt: not an encrypted MailFilter message (use mailfilterctl verify)");
                return ExitCodes.DataError;
            }

            string address = parse.GetValue(recipient)!;
            var (from, _) = InboundCheck.Envelope(message, parse.GetValue(mailFrom), address);
            return await AuthdCall.RunAsync(context, "mailfilterctl decrypt", parse.GetValue(socket)!, async client =>
            {
                var verifier = new InboundVerifier(new AuthdSigningKeyResolver(client));
                using var result = await verifier.VerifyAsync(message, new InboundRequest
                {
                    MailFrom = from ?? string.Empty,
                    Recipient = address,
                    Unwrapper = new AuthdFileKeyUnwrapper(client, address),
                    ReplayGuard = new MemoryReplayGuard(),
                    CheckEnvelopeBinding = from is not null,
                }, ct);
                InboundCheck.Report(asJson ? context.Output : context.Error, result, asJson, from is not null);
                if (result.Decrypted)
                {
                    await WriteAsync(context, result.Content, target, ct);
                }

                return InboundCheck.ExitCode(result);
            });
        });
        return command;
    }

    private static async Task WriteAsync(CliContext context, Stream content, FileInfo? target, CancellationToken cancellationToken)
    {
        content.Position = 0;
        if (target is not null)
        {
            // The plaintext of someone's mail: owner-only, and never over an existing file.
            await using var file = new FileStream(target.FullName, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await content.CopyToAsync(file, cancellationToken);
            return;
        }

        if (ReferenceEquals(context.Output, Console.Out))
        {
            await Console.Out.FlushAsync(cancellationToken);
            await using var stdout = Console.OpenStandardOutput();
            await content.CopyToAsync(stdout, cancellationToken);
            return;
        }

        // An injected writer (tests): the message as UTF-8 text (RFC 6532).
        using var reader = new StreamReader(content, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        await context.Output.WriteAsync(await reader.ReadToEndAsync(cancellationToken));
    }
}
