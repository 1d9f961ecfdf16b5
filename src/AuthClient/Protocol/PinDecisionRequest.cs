namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/admin/pins/accept and /v1/admin/pins/reject: the pending changes of an address (one use, or the one to a kid).</summary>
public sealed record PinDecisionRequest
{
    public required string Address { get; init; }

    /// <summary>Null for both uses.</summary>
    public KeyUse? Use { get; init; }

    /// <summary>The new kid of the one change to decide; null for every pending change of the address (and use).</summary>
    public string? Kid { get; init; }
}
