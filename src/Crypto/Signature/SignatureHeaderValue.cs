using System.Diagnostics.CodeAnalysis;

namespace MailFilter.Crypto.Signature;

/// <summary>Reads single tags of a MailFilter-Signature value without verifying it: the registry (docs/registry.md §2) keeps the <c>b=</c> signature.</summary>
public static class SignatureHeaderValue
{
    /// <summary>The 64-byte Ed25519 signature of the <c>b=</c> tag; false when the value is not a tag list or <c>b=</c> is not 64 bytes of base64.</summary>
    public static bool TryGetSignature(ReadOnlySpan<byte> rawValue, [NotNullWhen(true)] out byte[]? signature)
    {
        signature = null;
        if (!TagList.TryParse(rawValue, out var tags) || tags["b"] is not { } b)
        {
            return false;
        }

        try
        {
            var bytes = Convert.FromBase64String(TagList.Compact(b));
            if (bytes.Length != 64)
            {
                return false;
            }

            signature = bytes;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
