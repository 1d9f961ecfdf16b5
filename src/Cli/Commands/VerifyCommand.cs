using System.CommandLine;
using MailFilter.AuthClient;
using MailFilter.Cli.Commands.Keys;
using MailFilter.Crypto.Envelope;
using MailFilter.Messages;

namespace MailFilter.Cli.Commands;

/// <summary>
/// <c>mailfilterctl verify FILE.eml [--mail-from A] [--recipient R] [--local-domain D]... [--json]</c>: the
/// MailFilter-Signature of a stored message, checked as the delivery agent checks it (the same Messages code), with
/// the sender's key from mailfilter-authd. The envelope binding is checked against --mail-from and --recipient, or
/// the Return-Path and Delivered-To fields of a delivered message; without either it is reported as not checked.
/// An encrypted message needs <c>mailfilterctl decrypt</c>. Exit 0 pass, 1 fail or none (or encrypted), 65 the
/// file is not a message, 66 it cannot be read, 69 mailfilter-authd does not answer.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("file") { Description = "The message (.eml, or a Maildir file)." };
        var mailFrom = new Option<string?>("--mail-from") { Description = "The delivery's MAIL FROM (default: the Return-Path field)." };
        var recipient = new Option<string?>("--recipient") { Description = "The delivery's recipient (default: the Delivered-To field)." };
        var localDomains = new Option<string[]>("--local-domain") { Description = "A domain that uses MailFilter: its unsigned mail is a fail, not none (repeatable)." };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var command = new Command("verify", "Verify the MailFilter signature of a stored message.") { file, mailFrom, recipient, localDomains, socket, json };
        command.SetAction(async (parse, ct) =>
        {
            using var message = InboundCheck.Load(context, parse.GetValue(file)!);
            if (message is null)
            {
                return ExitCodes.NoInput;
            }

            if (InboundCheck.IsCarrier(message))
            {
                context.Error.WriteLine("mailfilterctl verify: the message is encrypted: use mailfilterctl decrypt FILE --recipient ADDRESS");
                return ExitCodes.CheckFailed;
            }

            var (from, to) = InboundCheck.Envelope(message, parse.GetValue(mailFrom), parse.GetValue(recipient));
            return await AuthdCall.RunAsync(context, "mailfilterctl verify", parse.GetValue(socket)!, async client =>
            {
                var verifier = new InboundVerifier(new AuthdSigningKeyResolver(client), new InboundOptions
                {
                    LocalDomains = new HashSet<string>(parse.GetValue(localDomains) ?? [], StringComparer.OrdinalIgnoreCase),
                });
                bool bound = from is not null && to is not null;
                using var result = await verifier.VerifyAsync(message, new InboundRequest
                {
                    MailFrom = from ?? string.Empty,
                    Recipient = to ?? "unknown@invalid",
                    Unwrapper = new NoUnwrapper(),
                    ReplayGuard = new MemoryReplayGuard(),
                    CheckEnvelopeBinding = bound,
                }, ct);
                InboundCheck.Report(context.Output, result, parse.GetValue(json), bound);
                return InboundCheck.ExitCode(result);
            });
        });
        return command;
    }

    /// <summary>verify never opens envelopes (it refuses carriers before it gets here).</summary>
    private sealed class NoUnwrapper : IFileKeyUnwrapper
    {
        public ValueTask<UnwrappedFileKey?> UnwrapAsync(UnwrapRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<UnwrappedFileKey?>(null);
    }
}
