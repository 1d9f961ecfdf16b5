namespace MailFilter.AuthServer.Configuration;

/// <summary>[conflicts]: detection of forged signature claims (docs/conflicts.md §7).</summary>
public sealed record ConflictSettings
{
    public static IReadOnlyList<string> SettingNames { get; } = ["window", "retention", "history_retention", "cleanup_interval", "admin", "notice_from"];

    public static TimeSpan MinWindow { get; } = TimeSpan.FromMinutes(1);

    public static TimeSpan MaxWindow { get; } = TimeSpan.FromMinutes(60);

    /// <summary>Two key lineages for one identity and recipient within this long open a conflict (1 to 60 minutes).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long raw observations are kept (at least the window).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long a sending host's history with a recipient is kept after its last session.</summary>
    public TimeSpan HistoryRetention { get; init; } = TimeSpan.FromDays(400);

    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Who gets the admin's notices; null: nobody (the conflicts are listed by mailfilterctl conflicts list).</summary>
    public string? Admin { get; init; }

    /// <summary>The sender of notices; null: mailfilter-conflicts@ the first local domain.</summary>
    public string? NoticeFrom { get; init; }
}
