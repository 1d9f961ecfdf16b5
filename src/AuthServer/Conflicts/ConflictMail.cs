using System.Globalization;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Registry;
using MailFilter.Crypto.Keys;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>The notices of docs/conflicts.md §3: to the recipient when a conflict is decided, to the admin for every conflict.</summary>
public static class ConflictMail
{
    private const string DisplayName = "MailFilter conflict check";

    public static string RecipientNotice(string from, ConflictRow c, TimeSpan window, string host) =>
        RegistryMail.Compose(from, c.Recipient, $"Mail in the name of {c.Identity} from two senders (conflict {Id(c)})", host, $"""
            Within {Minutes(window)} minutes, mail to you arrived signed in the name of {c.Identity}
            with {c.Kids.Length} different keys, from different sending servers. Only one of them can be genuine.

            {Outcome(c)}

            Conflict number: {Id(c)}. Your mail administrator can show the details with
            "mailfilterctl conflicts show {Id(c)}".
            """, DisplayName);

    public static string AdminNotice(string from, string admin, ConflictRow c, TimeSpan window, string host) =>
        RegistryMail.Compose(from, admin, c.State == "blocked"
            ? $"Signature conflict {Id(c)} for {c.Identity} needs a decision"
            : $"Signature conflict {Id(c)} for {c.Identity} resolved ({c.Decision})", host, $"""
            Signature conflict {Id(c)}: mail from {c.Identity} to {c.Recipient} arrived with {c.Kids.Length} different keys
            within {Minutes(window)} minutes ({string.Join(", ", c.Kids.Select(k => KeyId.FromBytes(k).ToString()))}).

            {Outcome(c)}

            Details: mailfilterctl conflicts show {Id(c)}
            """ + (c.State == "blocked" ? $"""

            Decide with one of:
              mailfilterctl conflicts resolve {Id(c)} --genuine ADDRESS   (the genuine sending host; the others are blacklisted)
              mailfilterctl conflicts resolve {Id(c)} --release           (every key is genuine: nothing is blacklisted)
            """ : string.Empty), DisplayName);

    private static string Outcome(ConflictRow c) => c.State == "blocked"
        ? $"""
            It could not be decided which sender is genuine ({c.Reason}). Mail in this name to
            {c.Recipient} is held, not lost: the sending servers keep it in their queues and retry until
            the administrator decides.
            """
        : c.Decision == "released"
            ? "The administrator confirmed that every key is genuine: the held mail is delivered."
            : $"""
            The sender at {string.Join(", ", c.ForgerSources ?? [])} (key {string.Join(", ", (c.ForgerKids ?? []).Select(k => KeyId.FromBytes(k).ToString()))})
            is the forger ({c.Reason}). It is blacklisted: its mail is refused. Mail from the genuine
            sender at {string.Join(", ", c.GenuineSources ?? [])} is delivered as before.
            """;

    private static string Id(ConflictRow c) => c.Id.ToString(CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan window) => Math.Round(window.TotalMinutes).ToString(CultureInfo.InvariantCulture);
}
