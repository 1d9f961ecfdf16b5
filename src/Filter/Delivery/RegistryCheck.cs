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
public sealed class RegistryCheck(AuthdClient authd, string failurePolicy)
{
    public const string SubjectPrefix = "[SUSPECTED PHISHING] ";

    private long _failures;

    /// <summary>[delivery] registry_failure: tag or warn.</summary>
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
        if (failurePolicy == "warn")
        {
            result.Warning = "this message claims to be registered mail, but the registry of its sender does not confirm it (" + failure + "): it may be phishing";
        }

        return failure;
    }

    private static string? Malformed(RegistryClaim claim) =>
        !ConfirmationNumber.TryParse(claim.ConfirmationNo, out _) ? "malformed X-Confirmation-No"
        : !DateParser.TryParse(claim.Date, out _) ? "malformed Date"
        : null;

    public override string ToString() => Failures.ToString(CultureInfo.InvariantCulture);
}
