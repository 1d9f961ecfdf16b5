using System.Globalization;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys;

/// <summary>The human form of key lists: one line per key, aligned columns, times in UTC.</summary>
internal static class KeyTable
{
    public static void Write(TextWriter output, IEnumerable<KeyInfo> keys)
    {
        var rows = keys.Select(k => new[]
        {
            k.Address, k.Use == KeyUse.Sign ? "sign" : "encrypt", k.Kid, State(k), Time(k.NotBefore), k.NotAfter is { } na ? Time(na) : "-", k.Origin,
        }).ToList();
        if (rows.Count == 0)
        {
            output.WriteLine("no keys");
            return;
        }

        string[] header = ["ADDRESS", "USE", "KID", "STATE", "NOT BEFORE", "NOT AFTER", "ORIGIN"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    public static string State(KeyInfo key) => key.RevokedAt is not null ? "revoked" : key.NotAfter is null ? "current" : "retired";

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
