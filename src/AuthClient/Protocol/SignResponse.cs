namespace MailFilter.AuthClient.Protocol;

/// <summary>The answer to POST /v1/sign.</summary>
public sealed record SignResponse
{
    public required string Kid { get; init; }

    /// <summary>The 64-byte Ed25519 signature.</summary>
    public required byte[] Signature { get; init; }
}
