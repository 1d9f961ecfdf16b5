namespace MailFilter.AuthServer.Data;

/// <summary>A key about to be inserted (already sealed).</summary>
public sealed record NewKey(
    string KeyUse, string Algorithm, byte[] Kid, byte[] PublicKey, byte[] SealedPrivateKey, DateTime NotBefore, DateTime? NotAfter, string Origin,
    DateTime? RevokedAt = null, string? RevocationReason = null);
