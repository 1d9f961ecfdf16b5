using System.Globalization;
using MailFilter.Crypto.Envelope;
using MailFilter.Hosting;

namespace MailFilter.AuthServer.Configuration;

/// <summary>Reads [attachments] (docs/attachments.md §10) with the error wording of the other sections.</summary>
internal static class AttachmentSettingsReader
{
    public static AttachmentSettings Read(SettingsReader reader, RegistrySettings registry)
    {
        const string S = "attachments";
        var d = new AttachmentSettings();
        string store = d.Store;
        if (reader.Get(S, "store") is { } storeText)
        {
            store = storeText.Trim().ToLowerInvariant();
            if (store is not ("filesystem" or "s3"))
            {
                reader.Error(S, "store", storeText, "use filesystem or s3");
                store = d.Store;
            }
        }

        string path = d.Path;
        if (reader.Get(S, "path") is { } pathText)
        {
            if (System.IO.Path.IsPathFullyQualified(pathText.Trim()))
            {
                path = pathText.Trim();
            }
            else
            {
                reader.Error(S, "path", pathText, "not an absolute path");
            }
        }

        Uri? endpoint = null;
        if (reader.Get(S, "s3_endpoint") is { } ep)
        {
            if (Uri.TryCreate(ep.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query))
            {
                endpoint = uri;
            }
            else
            {
                reader.Error(S, "s3_endpoint", ep, "not an http:// or https:// URL without a path, e.g. https://s3.example.org:9000");
            }
        }

        long? quota = null;
        if (reader.Get(S, "quota") is { } quotaText && !quotaText.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            if (ConfigValue.TryParseSize(quotaText, out long q) && q > 0)
            {
                quota = q;
            }
            else
            {
                reader.Error(S, "quota", quotaText, "not a size (e.g. 500G, 100M) or none");
            }
        }

        long maxFile = d.MaxFileSize;
        if (reader.Get(S, "max_file_size") is { } maxText)
        {
            if (ConfigValue.TryParseSize(maxText, out long m) && m is > 0 and <= 64L * 1024 * 1024 * 1024)
            {
                maxFile = m;
            }
            else
            {
                reader.Error(S, "max_file_size", maxText, "not a size from 1 to 64G");
            }
        }

        string linkBase = registry.PublicUrl;
        if (reader.Get(S, "link_base_url") is { } url)
        {
            if (Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
            {
                linkBase = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
            }
            else
            {
                reader.Error(S, "link_base_url", url, "not an http:// or https:// URL without a query");
            }
        }

        int? limit = null;
        if (reader.Get(S, "download_limit") is { } limitText && !limitText.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            if (int.TryParse(limitText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int l) && l is >= 1 and <= 1_000_000)
            {
                limit = l;
            }
            else
            {
                reader.Error(S, "download_limit", limitText, "not a number from 1 to 1000000, or none");
            }
        }

        string? mailFrom = null;
        if (reader.Get(S, "mail_from") is { } from)
        {
            if (AddressCanonicalizer.TryCanonicalize(from.Trim(), out var canonical))
            {
                mailFrom = canonical;
            }
            else
            {
                reader.Error(S, "mail_from", from, "not a mailbox address");
            }
        }

        var settings = new AttachmentSettings
        {
            Store = store,
            Path = path,
            S3Endpoint = endpoint,
            S3Region = reader.Get(S, "s3_region") is { Length: > 0 } region ? region.Trim() : d.S3Region,
            S3Bucket = reader.Get(S, "s3_bucket") is { Length: > 0 } bucket ? bucket.Trim() : null,
            S3Prefix = reader.Get(S, "s3_prefix") is { } prefix ? prefix.Trim() : d.S3Prefix,
            S3AccessKey = reader.Get(S, "s3_access_key") is { Length: > 0 } access ? access.Trim() : null,
            S3SecretKeyFile = reader.Get(S, "s3_secret_key_file") is { Length: > 0 } secret ? secret.Trim() : null,
            S3Timeout = reader.Duration(S, "s3_timeout", d.S3Timeout),
            Quota = quota,
            MaxFileSize = maxFile,
            LinkBaseUrl = linkBase,
            ExpiryDays = reader.Int(S, "expiry_days", d.ExpiryDays, 1, 3650),
            DownloadLimit = limit,
            GcInterval = reader.Duration(S, "gc_interval", d.GcInterval, allowZero: true),
            GcGrace = reader.Duration(S, "gc_grace", d.GcGrace, allowZero: true),
            ReleasedRetention = reader.Duration(S, "released_retention", d.ReleasedRetention, allowZero: true),
            CodeTtl = reader.Duration(S, "code_ttl", d.CodeTtl),
            CodeResendInterval = reader.Duration(S, "code_resend_interval", d.CodeResendInterval, allowZero: true),
            ProofTtl = reader.Duration(S, "proof_ttl", d.ProofTtl),
            MailFrom = mailFrom,
        };

        if (store == "s3")
        {
            if (settings.S3Endpoint is null)
            {
                reader.Errors.Add("[attachments] store = s3 needs s3_endpoint");
            }

            if (settings.S3Bucket is null)
            {
                reader.Errors.Add("[attachments] store = s3 needs s3_bucket");
            }

            if (settings.S3AccessKey is null || settings.S3SecretKeyFile is null)
            {
                reader.Errors.Add("[attachments] store = s3 needs s3_access_key and s3_secret_key_file");
            }
            else if (!File.Exists(settings.S3SecretKeyFile))
            {
                reader.Error(S, "s3_secret_key_file", settings.S3SecretKeyFile, "no such file");
            }
            else if (File.GetUnixFileMode(settings.S3SecretKeyFile) is var mode && (mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                // As the master key, and as OpenDKIM does with its signing keys: a secret every local user can read is refused.
                reader.Error(S, "s3_secret_key_file", settings.S3SecretKeyFile,
                    $"readable by every user (mode {ConfigValue.FormatMode(mode)}): chmod 0640 it, owner root, group mailfilter, and replace the secret at the store (it may have been read)");
            }
        }

        return settings;
    }
}
