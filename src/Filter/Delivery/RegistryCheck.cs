using System.Globalization;
using MailFilter.AuthClient;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthClient.Registry;
using MailFilter.Messages;
using MailFilter.Mime;

namespace MailFilter.Filter.Delivery;

/// <summary>
/// Step 3 of the inbound pipeline (docs/registry.md §5): a message stamped <c>X-Registered: Yes</c> is checked against
/// the registry of its sender's domain through mailfilter-authd (local, or the peer's public API). A claim that does not
/// check out (not matching, not registered, incomplete or malformed, no registry to ask) is suspected phishing: the
/// result says fail and the policy marks the message. authd or the peer unavailable throws (the delivery tempfails).
/// </summary>
public sealed class RegistryCheck(AuthdClient authd, string failurePolicy, string quarantineFolder = "Quarantine")
{
    public const string SubjectPrefix = "[SUSPECTED PHISHING] ";

    private long _failures;

    /// <summary>[delivery] registry_failure: tag, warn or quarantine.</summary>
    public string Policy => failurePolicy;

    /// <summary>Failed claims since the process started.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Checks <paramref name="result"/>'s claim for <paramref name="recipient"/>; returns the reason of a failure, or null.</summary>
    public async Task<string?> ApplyAsync(InboundResult result, string recipient, string? originalRecipient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        result.Content.Position = 0;
        var claim = RegistryClaim.Read(result.Content);
        result.Content.Position = 0;
        if (!claim.ClaimsRegistered)
        {
            return null;
        }

        string? failure = claim.Incomplete;
        if (failure is null)
        {
            failure = Malformed(claim);
        }

        if (failure is null)
        {
            RegistryAnswer answer;
            try
            {
                answer = await authd.VerifyRegistrationAsync(new RegistryQuery
                {
                    Sender = claim.Sender,
                    Recipient = originalRecipient ?? recipient,
                    Date = claim.Date,
                    ConfirmationNo = claim.ConfirmationNo,
                    Signature = claim.Signature,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (AuthdRequestException e) when (e.StatusCode == 400)
            {
                answer = new RegistryAnswer { Result = "malformed", Reason = e.Message };
            }

            failure = answer.Result switch
            {
                RegistryAnswer.Match => null,
                RegistryAnswer.Mismatch => "registered, not matching",
                RegistryAnswer.NotRegistered => "not registered",
                RegistryAnswer.Unknown => answer.Reason ?? "no registry for the sender's domain",
                _ => "malformed claim",
            };
        }

        if (failure is null)
        {
            result.RegistryResult = "pass";
            return null;
        }

        Interlocked.Increment(ref _failures);
        result.RegistryResult = "fail (" + failure + ")";
        result.SubjectPrefix = SubjectPrefix;
        if (failurePolicy is "warn" or "quarantine")
        {
            result.Warning = "this message claims to be registered mail, but the registry of its sender does not confirm it (" + failure + "): it may be phishing";
        }

        if (failurePolicy == "warn")
        {
            result.WarningText = WarningText(claim.Sender, failure);
        }
        else if (failurePolicy == "quarantine")
        {
            result.Folder = quarantineFolder;
        }

        return failure;
    }

    /// <summary>The text part a warned message begins with.</summary>
    public static string WarningText(string? sender, string failure) =>
        "WARNING: SUSPECTED PHISHING\r\n\r\n"
        + $"This message says it is registered mail from {(string.IsNullOrEmpty(sender) ? "its sender" : sender)}, but the registry of the sender's\r\n"
        + $"domain does not confirm it ({failure}). It may be a forgery.\r\n\r\n"
        + "Do not follow its links, open its attachments or act on its requests before you have checked\r\n"
        + "with the sender by another way (a phone number you already know, not one in this message).\r\n"
        + "The original message follows, unchanged.";

    private static string? Malformed(RegistryClaim claim) =>
        !ConfirmationNumber.TryParse(claim.ConfirmationNo, out _) ? "malformed X-Confirmation-No"
        : !DateParser.TryParse(claim.Date, out _) ? "malformed Date"
        : null;

    public override string ToString() => Failures.ToString(CultureInfo.InvariantCulture);
}
