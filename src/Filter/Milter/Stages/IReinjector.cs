namespace MailFilter.Filter.Milter.Stages;

/// <summary>Submits a copy back to the MTA (docs/pipeline.md "Re-injection"): SMTP to Postfix in production
/// (<see cref="SmtpReinjector"/>), a list in tests.</summary>
public interface IReinjector
{
    /// <summary>Submits <paramref name="message"/> (complete, CRLF) from <paramref name="sender"/> to
    /// <paramref name="recipient"/>; returns the MTA's queue id when it says one. Throws
    /// <see cref="ReinjectionException"/> when the MTA does not take it.</summary>
    Task<string?> SubmitAsync(string sender, string recipient, Stream message, CancellationToken cancellationToken);
}
