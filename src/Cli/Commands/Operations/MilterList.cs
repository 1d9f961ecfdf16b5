using System.Text;
using System.Text.RegularExpressions;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// Postfix's smtpd_milters / non_smtpd_milters lists: entries separated by commas or white space, an entry either a
/// socket (<c>unix:path</c>, <c>local:path</c>, <c>inet:host:port</c>) or a group with per-milter settings
/// (<c>{ inet:host:port, default_action = accept }</c>, MILTER_README "Different settings for different Milter
/// applications"). Decides where mailfilterd goes: before the first DKIM signer, so that what is signed is what
/// leaves; after the others (a content scanner must see the message before it is encrypted).
/// </summary>
internal static partial class MilterList
{
    public static List<string> Parse(string value)
    {
        var entries = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        foreach (char c in value)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
            }

            if (depth == 0 && (c == ',' || char.IsWhiteSpace(c)))
            {
                Flush();
                continue;
            }

            current.Append(c);
        }

        Flush();
        return entries;

        void Flush()
        {
            if (current.Length > 0)
            {
                entries.Add(current.ToString().Trim());
                current.Clear();
            }
        }
    }

    public static string Format(IEnumerable<string> entries) => string.Join(", ", entries);

    /// <summary>The socket of an entry (the first item of a group).</summary>
    public static string SocketOf(string entry) =>
        entry.StartsWith('{') ? entry.Trim('{', '}', ' ').Split(',', 2)[0].Trim() : entry;

    /// <summary>True when <paramref name="entry"/> names the socket <paramref name="ours"/> (a listen spec of
    /// mailfilterd: unix:/absolute or inet:host:port), as seen from smtpd (relative paths are under the queue directory).</summary>
    public static bool IsOurs(string entry, string ours, string queueDirectory)
    {
        string socket = SocketOf(entry);
        if (socket.StartsWith("local:", StringComparison.Ordinal))
        {
            socket = "unix:" + socket["local:".Length..];
        }

        if (socket.StartsWith("unix:", StringComparison.Ordinal) && ours.StartsWith("unix:", StringComparison.Ordinal))
        {
            string path = socket["unix:".Length..];
            string full = Path.IsPathRooted(path) ? path : Path.Combine(queueDirectory, path);
            return Path.GetFullPath(full) == Path.GetFullPath(ours["unix:".Length..]);
        }

        return socket.Equals(ours, StringComparison.OrdinalIgnoreCase)
            || socket.Replace("localhost", "127.0.0.1", StringComparison.OrdinalIgnoreCase).Equals(ours, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="entry"/> is a DKIM signer: its name says dkim (OpenDKIM's sockets do), or it
    /// is one of <paramref name="signers"/> (OpenDKIM's configured Socket, --dkim-signer).</summary>
    public static bool IsDkimSigner(string entry, IReadOnlyCollection<string> signers, string queueDirectory) =>
        entry.Contains("dkim", StringComparison.OrdinalIgnoreCase) || signers.Any(s => IsOurs(entry, s, queueDirectory));

    /// <summary>The list with mailfilterd (<paramref name="spec"/>, as main.cf names it) in its place: any entry that
    /// already names our socket is removed, then ours goes before the first DKIM signer, or last.</summary>
    public static List<string> Place(IReadOnlyList<string> existing, string spec, string ours, IReadOnlyCollection<string> signers, string queueDirectory)
    {
        var list = existing.Where(e => !IsOurs(e, ours, queueDirectory)).ToList();
        int signer = list.FindIndex(e => IsDkimSigner(e, signers, queueDirectory));
        list.Insert(signer < 0 ? list.Count : signer, spec);
        return list;
    }

    /// <summary>OpenDKIM's own Socket setting from /etc/opendkim.conf, in Postfix syntax; null when there is none.</summary>
    public static string? OpenDkimSocket(string confPath = "/etc/opendkim.conf")
    {
        if (!File.Exists(confPath))
        {
            return null;
        }

        foreach (var line in File.ReadLines(confPath))
        {
            if (SocketLinePattern().Match(line) is { Success: true } m)
            {
                string value = m.Groups[1].Value;
                if (value.StartsWith("local:", StringComparison.Ordinal) || value.StartsWith("unix:", StringComparison.Ordinal))
                {
                    return "unix:" + value[(value.IndexOf(':', StringComparison.Ordinal) + 1)..];
                }

                // inet:PORT@HOST → inet:HOST:PORT
                if (InetPattern().Match(value) is { Success: true } inet)
                {
                    string host = inet.Groups[2].Success ? inet.Groups[2].Value : "127.0.0.1";
                    return $"inet:{(host == "localhost" ? "127.0.0.1" : host)}:{inet.Groups[1].Value}";
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\s*Socket\s+(\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex SocketLinePattern();

    [GeneratedRegex(@"^inet6?:(\d+)(?:@(\S+))?$")]
    private static partial Regex InetPattern();
}
