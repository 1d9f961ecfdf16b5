using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using MailFilter.AuthClient.Registry;

namespace MailFilter.AuthServer.Registry;

/// <summary>The secrets of registration mails (docs/registry.md §6): link tokens (32 random bytes, base64url) and codes (10 characters), kept only as SHA-256.</summary>
public static class RegistrationTokens
{
    public const int TokenLength = 43;
    public const int CodeLength = 10;

    public static (string Token, byte[] Hash) NewToken()
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, SHA256.HashData(Encoding.ASCII.GetBytes(token)));
    }

    /// <summary>The hash of a token as it came in a link; false for anything that is not a token's shape (nothing is looked up for it).</summary>
    public static bool TryHash(string? token, [NotNullWhen(true)] out byte[]? hash)
    {
        hash = null;
        if (token is not { Length: TokenLength } || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        hash = SHA256.HashData(Encoding.ASCII.GetBytes(token));
        return true;
    }

    public static string NewCode() => RandomNumberGenerator.GetString(ConfirmationNumber.Alphabet, CodeLength);

    /// <summary>SHA-256(address 0x00 code), the code normalized to lower case without spaces.</summary>
    public static byte[] HashCode(string canonicalAddress, string code) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(canonicalAddress + "\0" + NormalizeCode(code)));

    public static bool IsCodeShape(string? code) =>
        code is not null && NormalizeCode(code) is { Length: CodeLength } c && c.All(ch => ConfirmationNumber.Alphabet.Contains(ch, StringComparison.Ordinal));

    private static string NormalizeCode(string code) => code.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
