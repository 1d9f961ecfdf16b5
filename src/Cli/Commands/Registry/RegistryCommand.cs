using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.Cli.Commands.Keys;
using MailFilter.Messages;

namespace MailFilter.Cli.Commands.Registry;

/// <summary>
/// <c>mailfilterctl registry lookup|verify FILE.eml</c>: asks the registry of a sender's domain (through mailfilter-authd:
/// local, or the peer's public API) whether a message is registered and matching (docs/registry.md §3). Exit 0 match,
/// 1 mismatch, not registered or unknown.
/// </summary>
internal static class RegistryCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("registry", "Query the registry of registered mail (docs/registry.md).");

        var sender = new Option<string>("--sender") { Description = "the From address", Required = true };
        var recipient = new Option<string>("--recipient") { Description = "the recipient", Required = true };
        var date = new Option<string>("--date") { Description = "the Date (RFC 3339 or as in the message)", Required = true };
        var number = new Option<string>("--confirmation-no") { Description = "X-Confirmation-No", Required = true };
        var signature = new Option<string>("--signature") { Description = "the signature, 128 hex characters", Required = true };
        var socket = AuthdCall.SocketOption();
        var json = AuthdCall.JsonOption();
        var lookup = new Command("lookup", "Check the five values of a message against the registry.") { sender, recipient, date, number, signature, socket, json };
        lookup.SetAction((parse, ct) => AuthdCall.RunAsync(context, "registry lookup", parse.GetValue(socket)!, async client =>
            Print(context, await client.VerifyRegistrationAsync(new RegistryQuery
            {
                Sender = parse.GetValue(sender),
                Recipient = parse.GetValue(recipient),
                Date = parse.GetValue(date),
                ConfirmationNo = parse.GetValue(number),
                Signature = parse.GetValue(signature),
            }, ct), parse.GetValue(json))));
        command.Add(lookup);

        var file = new Argument<FileInfo>("FILE") { Description = "the message (.eml)" };
        var rcpt = new Option<string?>("--recipient") { Description = "the recipient (default: the single To address)" };
        var verifySocket = AuthdCall.SocketOption();
        var verifyJson = AuthdCall.JsonOption();
        var verify = new Command("verify", "Check a stored message's registration stamps against the registry.") { file, rcpt, verifySocket, verifyJson };
        verify.SetAction((parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                context.Error.WriteLine($"registry verify: {path.FullName}: no such file");
                return Task.FromResult(ExitCodes.NoInput);
            }

            RegistryClaim claim;
            using (var stream = path.OpenRead())
            {
                claim = RegistryClaim.Read(stream);
            }

            var recipientAddress = parse.GetValue(rcpt) ?? claim.SingleTo;
            if (claim.ConfirmationNo is null || claim.Signature is null || claim.Sender is null || claim.Date is null || recipientAddress is null)
            {
                context.Error.WriteLine($"registry verify: {path.Name}: {claim.Incomplete ?? "no single To address: give --recipient"}");
                return Task.FromResult(ExitCodes.DataError);
            }

            return AuthdCall.RunAsync(context, "registry verify", parse.GetValue(verifySocket)!, async client =>
                Print(context, await client.VerifyRegistrationAsync(new RegistryQuery
                {
                    Sender = claim.Sender,
                    Recipient = recipientAddress,
                    Date = claim.Date,
                    ConfirmationNo = claim.ConfirmationNo,
                    Signature = claim.Signature,
                }, ct), parse.GetValue(verifyJson)));
        });
        command.Add(verify);
        return command;
    }

    private static int Print(CliContext context, RegistryAnswer answer, bool json)
    {
        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(answer, AuthdCall.Json.RegistryAnswer));
        }
        else
        {
            context.Output.WriteLine(answer.Result switch
            {
                RegistryAnswer.Match => "registered and matching" + (answer.RegisteredAt is { } at ? " (registered " + at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) + ")" : string.Empty)
                    + (answer.Display is { } d ? $": {d.Name ?? "-"}, {d.Company ?? "-"}" : string.Empty),
                RegistryAnswer.Mismatch => "registered but NOT matching: possible phishing or tampering",
                RegistryAnswer.NotRegistered => "not registered",
                _ => "unknown: " + (answer.Reason ?? "no registry for the sender's domain"),
            });
        }

        return answer.Result == RegistryAnswer.Match ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
