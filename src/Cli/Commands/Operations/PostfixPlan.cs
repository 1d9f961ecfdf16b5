using System.Globalization;

namespace MailFilter.Cli.Commands.Operations;

/// <summary>
/// The main.cf changes that wire mailfilterd into Postfix (postfix-conf/main.cf.snippet), computed from the values
/// Postfix has now and from mailfilter.conf. Only what differs becomes a change; milters already listed stay.
/// </summary>
internal sealed record PostfixPlan(IReadOnlyList<PostfixPlan.Change> Changes, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Notes)
{
    /// <param name="WasSet">Whether main.cf set the old value (else it was Postfix's default, and undoing removes the line).</param>
    public sealed record Change(string Name, string From, string To, string Why, bool WasSet = true);

    public static readonly string[] Names =
    [
        "smtpd_milters", "non_smtpd_milters", "milter_default_action", "milter_protocol", "message_size_limit",
        "virtual_transport", "lmtp_send_xforward_command", "queue_directory",
    ];

    public const string DefaultMilter = "inet:127.0.0.1:8891";

    /// <summary>mailfilterd's first milter socket (<c>[milter] listen</c>) as it listens, and as main.cf must name it.</summary>
    public static (string Ours, string Spec, string? Problem) MilterSpec(ConfFile conf, string queueDirectory, bool chrooted) =>
        SocketSpec(ConfFile.Endpoints(conf.Get("milter", "listen", DefaultMilter)).FirstOrDefault() ?? DefaultMilter,
            queueDirectory, chrooted, $"[milter] listen ({conf.Where("milter", "listen")})", "smtpd", "milter.sock", "inet:127.0.0.1:8891");

    /// <summary>The delivery agent's first socket (<c>[delivery] listen</c>), or null when it is off.</summary>
    public static (string Ours, string Spec, string? Problem)? LmtpSpec(ConfFile conf, string queueDirectory, bool chrooted) =>
        ConfFile.Endpoints(conf.Get("delivery", "listen", "none")).FirstOrDefault() is { } listen
            ? SocketSpec(listen, queueDirectory, chrooted, $"[delivery] listen ({conf.Where("delivery", "listen")})", "lmtp(8)", "lmtp.sock", "inet:127.0.0.1:PORT")
            : null;

    /// <summary>A socket as Postfix must name it: a unix path under the queue directory relative to it (Postfix opens
    /// relative paths from there, which is also a chrooted daemon's root); anything else as it is, with a problem when
    /// the daemon that connects is chrooted and the path is outside.</summary>
    private static (string Ours, string Spec, string? Problem) SocketSpec(string ours, string queueDirectory, bool chrooted, string setting, string client, string file, string inet)
    {
        if (!ours.StartsWith("unix:", StringComparison.Ordinal))
        {
            return (ours, ours, null);
        }

        string path = Path.GetFullPath(ours["unix:".Length..]);
        string queue = Path.GetFullPath(queueDirectory).TrimEnd('/') + "/";
        if (path.StartsWith(queue, StringComparison.Ordinal))
        {
            return (ours, "unix:" + path[queue.Length..], null);
        }

        return (ours, ours, chrooted
            ? $"{setting} = {ours} is outside {client}'s chroot {queueDirectory}: {client} cannot reach it. Listen on unix:{queue}mailfilter/{file} or on {inet}"
            : null);
    }

    public static PostfixPlan Compute(IReadOnlyDictionary<string, string> current, ConfFile conf, bool chrooted, IReadOnlyCollection<string> dkimSigners,
        IReadOnlySet<string>? explicitlySet = null, bool lmtpChrooted = false)
    {
        var changes = new List<Change>();
        var unchanged = new List<string>();
        var notes = new List<string>();
        string queue = current.GetValueOrDefault("queue_directory", "/var/spool/postfix");
        var (ours, spec, problem) = MilterSpec(conf, queue, chrooted);
        if (problem is not null)
        {
            notes.Add(problem);
        }

        void Want(string name, string value, string why)
        {
            string now = current.GetValueOrDefault(name, string.Empty);
            if (now == value)
            {
                unchanged.Add(name);
            }
            else
            {
                changes.Add(new Change(name, now, value, why, explicitlySet?.Contains(name) ?? true));
            }
        }

        foreach (var list in (string[])["smtpd_milters", "non_smtpd_milters"])
        {
            var existing = MilterList.Parse(current.GetValueOrDefault(list, string.Empty));
            var placed = MilterList.Place(existing, spec, ours, dkimSigners, queue);
            Want(list, MilterList.Format(placed), existing.Count == 0 ? "mailfilterd signs and encrypts outbound mail"
                : "mailfilterd after the milters already there, before a DKIM signer (what is signed is what leaves)");
        }

        Want("milter_default_action", "tempfail", "while mailfilterd is down or slow, answer 4xx: nothing leaves unfiltered");
        Want("milter_protocol", "6", "mailfilterd speaks milter protocol 6");
        if (long.TryParse(current.GetValueOrDefault("message_size_limit", "10240000"), NumberStyles.None, CultureInfo.InvariantCulture, out long limit)
            && MessageSize.TooSmall(limit))
        {
            Want("message_size_limit", MessageSize.Recommended.ToString(CultureInfo.InvariantCulture),
                $"a {MessageSize.Mb(MessageSize.ExpectedMessage)} message is {MessageSize.Mb(MessageSize.Minimum)} encrypted: the old limit refused it");
        }
        else
        {
            unchanged.Add("message_size_limit");
        }

        if (LmtpSpec(conf, queue, lmtpChrooted) is var (_, lmtp, lmtpProblem))
        {
            if (lmtpProblem is not null)
            {
                notes.Add(lmtpProblem);
            }

            Want("virtual_transport", "lmtp:" + lmtp, "mailbox delivery through mailfilterd's delivery agent (decrypt, verify, stamp)");
            Want("lmtp_send_xforward_command", "yes", "the queue id keys mailfilterd's delivery log lines; the sending host's address and HELO feed the conflict check (docs/conflicts.md)");
            string before = current.GetValueOrDefault("virtual_transport", "virtual");
            if (before.StartsWith("lmtp:", StringComparison.Ordinal) && before != "lmtp:" + lmtp)
            {
                notes.Add($"virtual_transport was {before}: if that is Dovecot, set [delivery] dovecot_lmtp to it so that mailfilterd hands messages on");
            }
        }
        else
        {
            notes.Add("[delivery] listen is none: mailbox delivery is left as it is (inbound mail is not decrypted)");
        }

        return new PostfixPlan(changes, unchanged, notes);
    }
}
