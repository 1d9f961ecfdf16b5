namespace MailFilter.AuthClient.Protocol;

/// <summary>What learning did: <see cref="Learned"/> true when the contact was added (the list's version grew).</summary>
public sealed record WhitelistLearnResponse
{
    /// <summary>The user who sends as the recipient; absent when none does (nothing to learn).</summary>
    public string? User { get; init; }

    public long Version { get; init; }

    public bool Learned { get; init; }

    /// <summary>Why nothing was learned: <c>no-user</c>, <c>listed</c>, <c>removed-by-user</c>, <c>full</c>.</summary>
    public string? Reason { get; init; }
}
