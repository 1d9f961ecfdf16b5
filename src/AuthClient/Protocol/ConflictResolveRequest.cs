namespace MailFilter.AuthClient.Protocol;

/// <summary><c>POST /v1/admin/conflicts/resolve</c>: exactly one of <see cref="Genuine"/> and <see cref="Release"/>.</summary>
public sealed record ConflictResolveRequest
{
    public long? Id { get; init; }

    /// <summary>The genuine sending host's address: the hosts with another key are the forgers (blacklisted).</summary>
    public string? Genuine { get; init; }

    /// <summary>Every key of the conflict is genuine (two servers of one sender, say): unblock, blacklist nothing.</summary>
    public bool? Release { get; init; }
}
