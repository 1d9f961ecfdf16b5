namespace MailFilter.AuthClient.Protocol;

/// <summary>A conflict (docs/conflicts.md §2-§3).</summary>
public sealed record ConflictInfo
{
    public long Id { get; init; }

    public string Identity { get; init; } = string.Empty;

    public string Recipient { get; init; } = string.Empty;

    /// <summary><c>blocked</c> or <c>resolved</c>.</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>Why it was decided, or why it could not be.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary><c>history</c>, <c>admin</c> or <c>released</c>; absent while blocked.</summary>
    public string? Decision { get; init; }

    public IReadOnlyList<string> Kids { get; init; } = [];

    public IReadOnlyList<ConflictSource> Sources { get; init; } = [];

    public DateTimeOffset WindowStart { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public IReadOnlyList<string>? GenuineKids { get; init; }

    public IReadOnlyList<string>? GenuineSources { get; init; }

    public IReadOnlyList<string>? ForgerKids { get; init; }

    public IReadOnlyList<string>? ForgerSources { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public string? ResolvedBy { get; init; }

    /// <summary>When the recipient's notice was submitted.</summary>
    public DateTimeOffset? NotifiedAt { get; init; }
}
