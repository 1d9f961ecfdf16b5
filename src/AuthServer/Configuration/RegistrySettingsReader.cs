using System.Globalization;
using MailFilter.Crypto.Envelope;

namespace MailFilter.AuthServer.Configuration;

/// <summary>Reads [registry] (docs/registry.md §7) with the error wording of the other sections.</summary>
internal static class RegistrySettingsReader
{
    public static RegistrySettings Read(SettingsReader reader)
    {
        var d = new RegistrySettings();
        string publicUrl = d.PublicUrl;
        if (reader.Get("registry", "public_url") is { } url)
        {
            if (Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.Query))
            {
                publicUrl = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
            }
            else
            {
                reader.Error("registry", "public_url", url, "not an http:// or https:// URL without a query");
            }
        }

        string smtpHost = d.SmtpHost;
        int smtpPort = d.SmtpPort;
        if (reader.Get("registry", "smtp") is { } smtp)
        {
            var spec = smtp.Trim();
            int colon = spec.LastIndexOf(':');
            if (spec.StartsWith("inet:", StringComparison.Ordinal) && colon > 5
                && int.TryParse(spec[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535)
            {
                smtpHost = spec[5..colon].Trim('[', ']');
                smtpPort = port;
            }
            else
            {
                reader.Error("registry", "smtp", smtp, "use inet:HOST:PORT, e.g. inet:127.0.0.1:25");
            }
        }

        string? mailFrom = null;
        if (reader.Get("registry", "mail_from") is { } from)
        {
            if (AddressCanonicalizer.TryCanonicalize(from.Trim(), out var canonical))
            {
                mailFrom = canonical;
            }
            else
            {
                reader.Error("registry", "mail_from", from, "not a mailbox address");
            }
        }

        double rate = d.QueryRate;
        if (reader.Get("registry", "query_rate") is { } rateText
            && (!double.TryParse(rateText.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out rate) || rate < 0 || rate > 1_000_000))
        {
            reader.Error("registry", "query_rate", rateText, "not a number of requests per second from 0 (no limit) to 1000000");
            rate = d.QueryRate;
        }

        return new RegistrySettings
        {
            PublicUrl = publicUrl,
            SmtpHost = smtpHost,
            SmtpPort = smtpPort,
            MailFrom = mailFrom,
            TokenTtl = reader.Duration("registry", "token_ttl", d.TokenTtl),
            ManageTokenTtl = reader.Duration("registry", "manage_token_ttl", d.ManageTokenTtl),
            ResendInterval = reader.Duration("registry", "resend_interval", d.ResendInterval, allowZero: true),
            ReminderInterval = reader.Duration("registry", "reminder_interval", d.ReminderInterval),
            ReminderCheck = reader.Duration("registry", "reminder_check", d.ReminderCheck, allowZero: true),
            Retention = reader.Duration("registry", "retention", d.Retention),
            CleanupInterval = reader.Duration("registry", "cleanup_interval", d.CleanupInterval),
            QueryRate = rate,
            QueryBurst = reader.Int("registry", "query_burst", d.QueryBurst, 1, 1_000_000),
        };
    }
}
