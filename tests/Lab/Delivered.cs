using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MailFilter.Lab;

/// <summary>What the tests read off a message as it arrived in a mailbox (end-to-end and links tests).</summary>
public static class Delivered
{
    /// <summary>The header block (with its final CRLF) and the body of a CRLF message.</summary>
    public static (string Headers, byte[] Body) Split(byte[] message)
    {
        int end = message.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end <= 0)
        {
            throw new InvalidOperationException("no end of header in the message");
        }

        return (Encoding.UTF8.GetString(message, 0, end + 2), message[(end + 4)..]);
    }

    /// <summary>The header fields' names in order.</summary>
    public static IReadOnlyList<string> FieldNames(string headers) =>
        [.. headers.Split("\r\n").Where(l => l.Length > 0 && l[0] is not ' ' and not '\t').Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)])];

    /// <summary>The unfolded value of the one Authentication-Results field with <paramref name="authservId"/>.</summary>
    public static string Result(byte[] message, string authservId)
    {
        var (headers, _) = Split(message);
        var unfolded = headers.Replace("\r\n\t", " ", StringComparison.Ordinal).Replace("\r\n ", " ", StringComparison.Ordinal);
        var ours = unfolded.Split("\r\n").Where(l => l.StartsWith($"Authentication-Results: {authservId};", StringComparison.Ordinal)).ToList();
        return ours.Count == 1 ? ours[0]["Authentication-Results: ".Length..]
            : throw new InvalidOperationException($"{ours.Count} Authentication-Results fields of {authservId}");
    }

    /// <summary>Python's email package (policy.default) as an independent judge: the Subject as decoded, the text parts,
    /// the SHA-256 of each attachment's decoded content, the content type of every part in walk order (multiparts included),
    /// and the defects it found.</summary>
    public static async Task<Judged> JudgeAsync(byte[] message)
    {
        const string script = """
            import email, email.policy, hashlib, json, sys
            m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
            out = {"subject": str(m["subject"]), "texts": [], "attachments": {}, "structure": [], "defects": []}
            for part in m.walk():
                out["structure"].append(part.get_content_type())
                out["defects"].extend(type(d).__name__ for d in part.defects)
                if part.is_multipart():
                    continue
                if part.get_filename():
                    out["attachments"][part.get_filename()] = hashlib.sha256(part.get_payload(decode=True)).hexdigest()
                elif part.get_content_maintype() == "text":
                    out["texts"].append(part.get_content())
            print(json.dumps(out))
            """;
        string path = Path.Combine(Path.GetTempPath(), "mailfilter-judge-" + Guid.NewGuid().ToString("N") + ".eml");
        await File.WriteAllBytesAsync(path, message);
        try
        {
            var result = await ProcessRunner.RunAsync("/usr/bin/python3", "-c", script, path);
            result.EnsureSuccess("python3 email judge");
            return JsonSerializer.Deserialize<Judged>(result.Stdout, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!;
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));

    public static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    public sealed record Judged(string Subject, List<string> Texts, Dictionary<string, string> Attachments, List<string> Structure, List<string> Defects);
}
