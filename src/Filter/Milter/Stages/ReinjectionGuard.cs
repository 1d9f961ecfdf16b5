using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// The loop guard of re-injected copies (docs/pipeline.md "Re-injection and its loop guard"):
/// <c>X-MailFilter-Reinjected: v=1; t=&lt;unix time&gt;; h=&lt;base64 HMAC-SHA-256&gt;</c>. The key is random
/// per process and never leaves it, so nobody outside can make a header that verifies; the MAC covers the
/// time, the Message-ID and the copy's envelope recipients, so a header lifted from one copy does not let
/// another message through, and it expires after <see cref="MaxAge"/>.
/// </summary>
public sealed class ReinjectionGuard
{
    public const string HeaderName = "X-MailFilter-Reinjected";

    /// <summary>How long a copy's header is accepted (it is checked within seconds of being made).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private static readonly byte[] s_label = "mailfilter/v1 reinjected\0"u8.ToArray();

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public ReinjectionGuard(TimeProvider? time = null)
        : this(RandomNumberGenerator.GetBytes(32), time)
    {
    }

    internal ReinjectionGuard(byte[] key, TimeProvider? time)
    {
        _key = key;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The header value for a copy with this Message-ID and these envelope recipients.</summary>
    public string Create(string? messageId, IEnumerable<string> recipients)
    {
        long t = _time.GetUtcNow().ToUnixTimeSeconds();
        return $"v=1; t={t.ToString(CultureInfo.InvariantCulture)}; h={Convert.ToBase64String(Mac(t, messageId, recipients))}";
    }

    /// <summary>True when <paramref name="value"/> is a header this process made, less than
    /// <see cref="MaxAge"/> ago, for exactly this Message-ID and these recipients.</summary>
    public bool Verify(string value, string? messageId, IEnumerable<string> recipients)
    {
        string? v = null, t = null, h = null;
        foreach (var part in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }

            string tagValue = part[(eq + 1)..].Trim();
            switch (part[..eq].Trim())
            {
                case "v" when v is null: v = tagValue; break;
                case "t" when t is null: t = tagValue; break;
                case "h" when h is null: h = tagValue; break;
                default: return false;
            }
        }

        if (v != "1" || t is null || h is null
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long time))
        {
            return false;
        }

        long now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (time > now + 60 || now - time > (long)MaxAge.TotalSeconds)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (!Convert.TryFromBase64String(h, given, out int n) || n != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, Mac(time, messageId, recipients));
    }

    private byte[] Mac(long time, string? messageId, IEnumerable<string> recipients)
    {
        // Length-free but unambiguous: NUL cannot occur in a Message-ID or an envelope address (the milter
        // refuses NUL in both), so the fields cannot be shifted into one another.
        var input = new StringBuilder();
        input.Append(time.ToString(CultureInfo.InvariantCulture)).Append('\0');
        input.Append((messageId ?? string.Empty).Trim()).Append('\0');
        foreach (var r in recipients.Select(r => r.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            input.Append(r).Append('\0');
        }

        byte[] data = [.. s_label, .. Encoding.UTF8.GetBytes(input.ToString())];
        return HMACSHA256.HashData(_key, data);
    }
}
