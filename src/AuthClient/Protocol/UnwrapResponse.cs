namespace MailFilter.AuthClient.Protocol;

/// <summary>The answer to POST /v1/unwrap: the file key, or all nulls when none of the recipient's keys opens any stanza.</summary>
public sealed record UnwrapResponse
{
    /// <summary>The 16-byte file key, or null.</summary>
    public byte[]? FileKey { get; init; }

    /// <summary>The kid of the recipient key that opened it.</summary>
    public string? Kid { get; init; }

    /// <summary>The index of the stanza that opened.</summary>
    public int? Stanza { get; init; }
}
