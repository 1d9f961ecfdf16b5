namespace MailFilter.AuthServer.Configuration;

/// <summary>[attachments]: the attachment store, grants and downloads (docs/attachments.md §10).</summary>
public sealed record AttachmentSettings
{
    public static IReadOnlyList<string> SettingNames { get; } =
    [
        "store", "path", "s3_endpoint", "s3_region", "s3_bucket", "s3_prefix", "s3_access_key", "s3_secret_key_file", "s3_timeout",
        "quota", "max_file_size", "link_base_url", "expiry_days", "download_limit", "gc_interval", "gc_grace", "released_retention",
        "code_ttl", "code_resend_interval", "proof_ttl", "mail_from",
    ];

    /// <summary>"filesystem" (default) or "s3".</summary>
    public string Store { get; init; } = "filesystem";

    /// <summary>The filesystem store's directory (objects/ and tmp/ under it).</summary>
    public string Path { get; init; } = "/var/lib/mailfilter/attachments";

    /// <summary>The S3-compatible endpoint (http(s)://host:port); path-style addressing.</summary>
    public Uri? S3Endpoint { get; init; }

    public string S3Region { get; init; } = "us-east-1";

    public string? S3Bucket { get; init; }

    /// <summary>Prefix of the object keys in the bucket (e.g. "mailfilter/").</summary>
    public string S3Prefix { get; init; } = string.Empty;

    public string? S3AccessKey { get; init; }

    /// <summary>A file holding the secret key (one line), readable by authd only.</summary>
    public string? S3SecretKeyFile { get; init; }

    public TimeSpan S3Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Plaintext bytes the store may hold in all; null: no quota.</summary>
    public long? Quota { get; init; }

    public long MaxFileSize { get; init; } = 1024L * 1024 * 1024;

    /// <summary>What links start with (the public listener as people reach it, through the TLS proxy), without a trailing slash.</summary>
    public string LinkBaseUrl { get; init; } = "http://127.0.0.1:8893";

    public int ExpiryDays { get; init; } = 30;

    /// <summary>Default download limit per grant; null: none.</summary>
    public int? DownloadLimit { get; init; }

    /// <summary>How often authd runs the garbage collector; zero: never (only mailfilterctl attachments gc).</summary>
    public TimeSpan GcInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long unreferenced content stays after its last use (HEAD, PUT, grant): covers the time between mailfilterd's HEAD and its grant.</summary>
    public TimeSpan GcGrace { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long a dead (expired or revoked) grant keeps its content before GC releases it, so an admin can still extend it.</summary>
    public TimeSpan ReleasedRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long a mailed proof code is valid.</summary>
    public TimeSpan CodeTtl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The least time between two code mails to one recipient.</summary>
    public TimeSpan CodeResendInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the browser session a right code opens lasts.</summary>
    public TimeSpan ProofTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The sender of code mails; null: [registry] mail_from, or mailfilter-attachments@ the first local domain.</summary>
    public string? MailFrom { get; init; }
}
