using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Conflicts;

/// <summary>What the conflicts and blacklist commands print: the API's shapes as indented JSON, or aligned text.</summary>
internal static class ConflictOutput
{
    public static ConflictJson Json { get; } = new(new JsonSerializerOptions(ConflictJson.Default.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Conflicts(TextWriter output, IReadOnlyList<ConflictInfo> conflicts)
    {
        if (conflicts.Count == 0)
        {
            output.WriteLine("no conflicts");
            return;
        }

        output.WriteLine("ID      STATE     OPENED (UTC)         KEYS  DECISION  IDENTITY -> RECIPIENT");
        foreach (var c in conflicts)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Id,-6}  {c.State,-8}  {c.OpenedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {c.Kids.Count,4}  {c.Decision ?? "-",-8}  {c.Identity} -> {c.Recipient}"));
        }
    }

    public static void Conflict(TextWriter output, ConflictInfo c, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(c, Json.ConflictInfo));
            return;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"conflict {c.Id}: {c.Identity} -> {c.Recipient}"));
        output.WriteLine($"  state      {c.State}{(c.Decision is null ? string.Empty : " (" + c.Decision + ")")}");
        output.WriteLine($"  reason     {c.Reason}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  opened     {c.OpenedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (window from {c.WindowStart.UtcDateTime:HH:mm:ss})"));
        if (c.ResolvedAt is { } at)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  resolved   {at.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC by {c.ResolvedBy}"));
        }

        if (c.ForgerSources is { Count: > 0 } || c.ForgerKids is { Count: > 0 })
        {
            output.WriteLine($"  forger     {string.Join(", ", c.ForgerSources ?? [])} key {string.Join(", ", c.ForgerKids ?? [])} (blacklisted)");
        }

        if (c.GenuineKids is { Count: > 0 })
        {
            output.WriteLine($"  genuine    {string.Join(", ", c.GenuineSources ?? [])} key {string.Join(", ", c.GenuineKids)}");
        }

        output.WriteLine($"  notified   {(c.NotifiedAt is { } n ? n.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "-")}");
        output.WriteLine("  sources    KID                     HOST             HELO                      MAILS  HISTORY");
        foreach (var s in c.Sources)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"             {s.Kid}  {s.Address ?? "unknown",-15}  {s.Helo ?? "-",-24}  {s.Count,5}  {(s.History ? "yes" : "no")}"));
        }

        if (c.State == "blocked")
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"decide: mailfilterctl conflicts resolve {c.Id} --genuine HOST  (or --release if every key is genuine)"));
        }
    }

    public static void Blacklist(TextWriter output, IReadOnlyList<BlacklistEntry> entries)
    {
        if (entries.Count == 0)
        {
            output.WriteLine("the blacklist is empty");
            return;
        }

        output.WriteLine("ID      KIND     TARGET                  SINCE (UTC)       UNTIL             STATE     REASON");
        foreach (var e in entries)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{e.Id,-6}  {(e.Address is null ? "key" : "host"),-7}  {e.Address ?? e.Kid,-22}  {e.Created.UtcDateTime:yyyy-MM-dd HH:mm}  {(e.Until is { } u ? u.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-"),-16}  {(e.Removed is null ? "live" : "removed"),-8}  {e.Reason}"));
        }
    }

    public static void Entry(TextWriter output, string what, BlacklistEntry e, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(e, Json.BlacklistEntry));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{what} blacklist entry {e.Id}: {(e.Address is null ? "key " + e.Kid : "host " + e.Address)} ({e.Reason})"));
        }
    }
}
