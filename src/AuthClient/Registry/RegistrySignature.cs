using System.Diagnostics.CodeAnalysis;

namespace MailFilter.AuthClient.Registry;

/// <summary>A message's Ed25519 signature as the registry keeps it: 128 lower-case hex characters (docs/registry.md §2).</summary>
public static class RegistrySignature
{
    public const int Length = 128;

    public static string FromBytes(ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            throw new ArgumentException("an Ed25519 signature is 64 bytes", nameof(signature));
        }

        return Convert.ToHexStringLower(signature);
    }

    /// <summary>Accepts 128 hex digits in either case (answers lower case); false for anything else.</summary>
    public static bool TryNormalize(string? text, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        var t = text?.Trim();
        if (t is not { Length: Length } || !t.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        normalized = t.ToLowerInvariant();
        return true;
    }
}
