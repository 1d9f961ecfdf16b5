namespace MailFilter.AuthClient.Protocol;

/// <summary>POST /v1/sign: sign a to-be-signed input with the address's current signing key.</summary>
public sealed record SignRequest
{
    public required string Address { get; init; }

    /// <summary>The kid the caller already put into the manifest or the s= tag; authd refuses (409) if it is not the current key. Null: sign with the current key, creating it on first use.</summary>
    public string? Kid { get; init; }

    /// <summary>"envelope" (141 bytes, docs/envelope.md §5) or "signature-header" (32 bytes, docs/signature-header.md §4).</summary>
    public required string Purpose { get; init; }

    /// <summary>The to-be-signed bytes (base64 on the wire).</summary>
    public required byte[] Data { get; init; }
}
