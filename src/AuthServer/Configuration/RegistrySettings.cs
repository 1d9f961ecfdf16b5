namespace MailFilter.AuthServer.Configuration;

/// <summary>[registry]: registered mail (docs/registry.md §7): where authd's mails go, token lifetimes, reminders, retention, rate limits.</summary>
public sealed record RegistrySettings
{
    public static IReadOnlyList<string> SettingNames { get; } =
    [
        "public_url", "smtp", "mail_from", "token_ttl", "manage_token_ttl", "resend_interval", "reminder_interval", "reminder_check",
        "retention", "cleanup_interval", "query_rate", "query_burst",
    ];

    /// <summary>The URL people reach the public listener at (links in mails), without a trailing slash.</summary>
    public string PublicUrl { get; init; } = "http://127.0.0.1:8893";

    /// <summary>Where authd submits its mails: host and port of an SMTP server (the local Postfix).</summary>
    public string SmtpHost { get; init; } = "127.0.0.1";

    public int SmtpPort { get; init; } = 25;

    /// <summary>The sender of registration mails; null: mailfilter-registry@ the first local domain.</summary>
    public string? MailFrom { get; init; }

    public TimeSpan TokenTtl { get; init; } = TimeSpan.FromHours(24);

    public TimeSpan ManageTokenTtl { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan ResendInterval { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ReminderInterval { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How often reminders due are looked for; zero: never (only mailfilterctl addresses remind).</summary>
    public TimeSpan ReminderCheck { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(400);

    public TimeSpan CleanupInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Public registry requests per second per client; zero: no limit.</summary>
    public double QueryRate { get; init; } = 5;

    public int QueryBurst { get; init; } = 20;
}
