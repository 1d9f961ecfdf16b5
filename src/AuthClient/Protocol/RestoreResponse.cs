namespace MailFilter.AuthClient.Protocol;

/// <summary>What a restore did. Keys already present (same kid) are skipped; a backup's current key for an
/// address that has another current key now is restored as a previous key ("demoted").</summary>
public sealed record RestoreResponse
{
    public required int Restored { get; init; }

    public required int Skipped { get; init; }

    public required int Demoted { get; init; }
}
