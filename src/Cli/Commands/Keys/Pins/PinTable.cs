using System.Globalization;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Keys.Pins;

/// <summary>The human form of pins and pin changes: aligned columns, times in UTC.</summary>
internal static class PinTable
{
    public static void Write(TextWriter output, PinsResponse pins)
    {
        if (pins.Keys.Count == 0)
        {
            output.WriteLine("no pinned keys");
        }
        else
        {
            Table(output, ["ADDRESS", "USE", "KID", "PIN", "KEY", "CONFIRMED BY", "FIRST SEEN", "LAST SEEN", "SOURCE"], pins.Keys.Select(k => new[]
            {
                k.Address, Use(k.Use), k.Kid, PinState(k), KeyTable.State(k), k.Pin?.ConfirmedBy ?? "-", Time(k.Pin?.FirstSeen), Time(k.Pin?.LastSeen), k.Pin?.Source ?? "-",
            }));
        }

        output.WriteLine();
        if (pins.Changes.Count == 0)
        {
            output.WriteLine("no pin changes");
            return;
        }

        output.WriteLine("pin changes:");
        Table(output, ["ID", "ADDRESS", "USE", "OLD KID", "NEW KID", "STATE", "SEEN", "RESOLVED BY", "SOURCE"], pins.Changes.Select(c => new[]
        {
            c.Id.ToString(CultureInfo.InvariantCulture), c.Address, Use(c.Use), c.OldKid ?? "-", c.NewKid, c.State, Time(c.SeenAt), c.ResolvedBy ?? "-", c.Source,
        }));
    }

    /// <summary>"current" for the key lookups answer, else confirmed, unconfirmed or rejected.</summary>
    public static string PinState(KeyInfo key) => key.Pin is { Current: true } ? "current" : key.Pin?.State ?? "-";

    public static string Use(KeyUse use) => use == KeyUse.Sign ? "sign" : "encrypt";

    public static string Time(DateTimeOffset? time) => time is { } t ? KeyTable.Time(t) : "-";

    private static void Table(TextWriter output, string[] header, IEnumerable<string[]> rows)
    {
        var list = rows.ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, list.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        foreach (var row in list)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
