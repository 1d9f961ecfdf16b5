using MailFilter.Crypto.Envelope;

namespace MailFilter.AuthServer.Configuration;

/// <summary>Reads [conflicts] (docs/conflicts.md §7) with the error wording of the other sections.</summary>
internal static class ConflictSettingsReader
{
    public static ConflictSettings Read(SettingsReader reader)
    {
        var d = new ConflictSettings();
        var window = reader.Duration("conflicts", "window", d.Window);
        if (window < ConflictSettings.MinWindow || window > ConflictSettings.MaxWindow)
        {
            reader.Error("conflicts", "window", reader.Get("conflicts", "window")!, "must be 1m to 60m");
            window = d.Window;
        }

        var retention = reader.Duration("conflicts", "retention", d.Retention);
        if (retention < window)
        {
            reader.Error("conflicts", "retention", reader.Get("conflicts", "retention") ?? "1d", "must be at least the window");
            retention = d.Retention < window ? window : d.Retention;
        }

        return new ConflictSettings
        {
            Window = window,
            Retention = retention,
            HistoryRetention = reader.Duration("conflicts", "history_retention", d.HistoryRetention),
            CleanupInterval = reader.Duration("conflicts", "cleanup_interval", d.CleanupInterval),
            Admin = Address(reader, "admin"),
            NoticeFrom = Address(reader, "notice_from"),
        };
    }

    private static string? Address(SettingsReader reader, string key)
    {
        if (reader.Get("conflicts", key) is not { } text)
        {
            return null;
        }

        if (AddressCanonicalizer.TryCanonicalize(text.Trim(), out var canonical))
        {
            return canonical;
        }

        reader.Error("conflicts", key, text, "not a mailbox address");
        return null;
    }
}
