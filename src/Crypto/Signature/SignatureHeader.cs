using System.Buffers;

namespace MailFilter.Crypto.Signature;

/// <summary>Constants of the MailFilter-Signature profile and the header hash input both sides compute.</summary>
public static class SignatureHeader
{
    /// <summary>The header field name.</summary>
    public const string FieldName = "MailFilter-Signature";

    /// <summary>The only algorithm (RFC 8463).</summary>
    public const string Algorithm = "ed25519-sha256";

    /// <summary>The only canonicalization.</summary>
    public const string Canonicalization = "relaxed/relaxed";

    /// <summary>The key query method: keys come from mailfilter-authd, not DNS.</summary>
    public const string QueryMethod = "x-mailfilter";

    /// <summary>Fields named one more time than they occur, so that adding a copy breaks the signature.</summary>
    public static IReadOnlyList<string> OversignedFields { get; } = ["from", "to", "cc", "subject"];

    /// <summary>Further fields signed, each as often as it occurs and at least once (an absent one may not be added).</summary>
    public static IReadOnlyList<string> OtherSignedFields { get; } =
        ["date", "message-id", "mime-version", "content-type", "content-transfer-encoding", "reply-to", "in-reply-to", "references"];

    /// <summary>The <c>h=</c> list for a message with these header fields.</summary>
    internal static List<string> SignedFieldNames(IReadOnlyList<HeaderField> headers)
    {
        var names = new List<string>();
        foreach (var name in OversignedFields)
        {
            names.AddRange(Enumerable.Repeat(name, Count(headers, name) + 1));
        }

        foreach (var name in OtherSignedFields)
        {
            names.AddRange(Enumerable.Repeat(name, Math.Max(1, Count(headers, name))));
        }

        return names;
    }

    internal static int Count(IReadOnlyList<HeaderField> headers, string name) => headers.Count(h => h.HasName(name));

    /// <summary>
    /// SHA-256 of the header hash input (RFC 6376 §3.7): each field <c>h=</c> selects, bottom-up per
    /// name and nothing for a name with no unused instance left, canonicalized with CRLF; then the
    /// signature field itself, <c>b=</c> value deleted, without CRLF.
    /// </summary>
    internal static byte[] HashHeaders(IReadOnlyList<HeaderField> headers, IEnumerable<string> signedNames, HeaderField signatureWithoutB)
    {
        var input = new ArrayBufferWriter<byte>(1024);
        var lastIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in signedNames)
        {
            int i = lastIndex.GetValueOrDefault(name, headers.Count);
            while (i > 0)
            {
                i--;
                if (headers[i].HasName(name))
                {
                    RelaxedCanonicalization.WriteHeader(headers[i], input);
                    break;
                }
            }

            lastIndex[name] = i;
        }

        RelaxedCanonicalization.WriteHeader(signatureWithoutB, input, withCrlf: false);
        return System.Security.Cryptography.SHA256.HashData(input.WrittenSpan);
    }
}
