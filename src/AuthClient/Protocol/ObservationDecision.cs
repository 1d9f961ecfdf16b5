namespace MailFilter.AuthClient.Protocol;

/// <summary>What the delivery agent does with the recipient's copy (docs/conflicts.md §2-§4).</summary>
public sealed record ObservationDecision
{
    public const string Deliver = "deliver";
    public const string Tempfail = "tempfail";
    public const string Refuse = "refuse";

    /// <summary><see cref="Deliver"/>, <see cref="Tempfail"/> (a conflict holds the pair) or <see cref="Refuse"/> (blacklisted).</summary>
    public string Action { get; init; } = Deliver;

    /// <summary>The conflict that decided it, if one did.</summary>
    public long? Conflict { get; init; }

    /// <summary>Why, for the reply text and the log.</summary>
    public string? Reason { get; init; }
}
