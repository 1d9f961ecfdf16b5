namespace MailFilter.AuthClient.Protocol;

/// <summary>The answer to a <see cref="RegistryQuery"/> (docs/registry.md §3).</summary>
public sealed record RegistryAnswer
{
    public const string Match = "match";
    public const string Mismatch = "mismatch";
    public const string NotRegistered = "not-registered";

    /// <summary>Only from the socket: no registry can be asked for the sender's domain.</summary>
    public const string Unknown = "unknown";

    /// <summary>match, mismatch, not-registered or unknown.</summary>
    public required string Result { get; init; }

    /// <summary>On match: when the message was registered.</summary>
    public DateTimeOffset? RegisteredAt { get; init; }

    /// <summary>On match: what the sender's owner chose to show.</summary>
    public RegistryDisplay? Display { get; init; }

    /// <summary>Why the result is unknown (or a note).</summary>
    public string? Reason { get; init; }
}
