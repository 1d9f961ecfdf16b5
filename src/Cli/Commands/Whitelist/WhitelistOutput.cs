using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary>What the users and whitelist commands print: the API's shapes as indented JSON, or aligned tables.</summary>
internal static class WhitelistOutput
{
    public static WhitelistJson Json { get; } = new(new JsonSerializerOptions(WhitelistJson.Default.Options)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Users(TextWriter output, IReadOnlyList<UserInfo> users)
    {
        int width = Math.Max(4, users.Count == 0 ? 0 : users.Max(u => u.Name.Length));
        output.WriteLine($"{"NAME".PadRight(width)}  KIND      VERSION  ENTRIES  ADDRESSES");
        foreach (var u in users)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{u.Name.PadRight(width)}  {u.Kind,-8}  {u.WhitelistVersion,7}  {u.Entries,7}  {(u.Addresses.Count == 0 ? "-" : string.Join(",", u.Addresses))}"));
        }
    }

    public static void User(TextWriter output, string what, UserInfo user, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(user, Json.UserInfo));
        }
        else
        {
            output.WriteLine($"{what} user {user.Name} ({user.Kind}; sends as {(user.Addresses.Count == 0 ? "no address" : string.Join(", ", user.Addresses))})");
        }
    }

    public static void Change(TextWriter output, WhitelistChange change, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(change, Json.WhitelistChange));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"whitelist of {change.User}: {change.Added} added, {change.Updated} updated, {change.Removed} removed; version {change.Version}"));
        }
    }

    public static void Entries(TextWriter output, WhitelistResponse list)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"whitelist of {list.User}, version {list.Version}, {list.Entries.Count} entries"));
        int width = Math.Max(6, list.Entries.Count == 0 ? 0 : list.Entries.Max(e => e.Target.Length));
        output.WriteLine($"{"TARGET".PadRight(width)}  KIND     NAME / NICKNAME / NOTES");
        foreach (var e in list.Entries)
        {
            var texts = string.Join(" / ", new[] { e.Name, e.Nickname, e.Notes }.Select(t => t ?? "-"));
            output.WriteLine($"{e.Target.PadRight(width)}  {(e.Address is null ? "domain " : "address")}  {texts.ReplaceLineEndings(" ")}");
        }
    }
}
