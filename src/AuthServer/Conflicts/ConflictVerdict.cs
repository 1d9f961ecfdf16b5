using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>The history check's outcome: decided (genuine and forgers named) or not, with the reason either way.</summary>
public sealed record ConflictVerdict(bool Decided, string Reason)
{
    public IReadOnlyList<KeyId> GenuineKids { get; init; } = [];

    public IReadOnlyList<string> GenuineSources { get; init; } = [];

    public IReadOnlyList<KeyId> ForgerKids { get; init; } = [];

    public IReadOnlyList<string> ForgerSources { get; init; } = [];
}
