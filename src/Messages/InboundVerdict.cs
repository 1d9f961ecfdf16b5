namespace MailFilter.Messages;

/// <summary>The <c>mailfilter=</c> result of Authentication-Results (docs/pipeline.md "Inbound").</summary>
public enum InboundVerdict
{
    /// <summary>Mail from a domain that does not use MailFilter, without a MailFilter signature.</summary>
    None,

    /// <summary>The signature verified (and the envelope opened, if there was one).</summary>
    Pass,

    /// <summary>A bad or missing signature on mail claiming a MailFilter sender, or a tampered or unopenable envelope.</summary>
    Fail,
}
