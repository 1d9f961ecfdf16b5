namespace MailFilter.AuthServer.Data;

/// <summary>A row of key_rotations: an announcement that new_kid replaces old_kid, signed by signer_kid.</summary>
public sealed class RotationRow
{
    public string KeyUse { get; init; } = string.Empty;

    public byte[] OldKid { get; init; } = [];

    public byte[] NewKid { get; init; } = [];

    public byte[] SignerKid { get; init; } = [];

    public DateTime RotatedAt { get; init; }

    public byte[] Signature { get; init; } = [];
}
