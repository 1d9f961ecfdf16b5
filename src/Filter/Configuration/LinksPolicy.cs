using System.Globalization;
using MailFilter.Hosting;

namespace MailFilter.Filter.Configuration;

/// <summary><c>links</c> in [policy] sections (docs/attachments.md, "Replacement in the message"): which attachments of an
/// outbound message are stored in the attachment store and replaced by links.</summary>
public enum LinksMode
{
    /// <summary>None (the default).</summary>
    Never,

    /// <summary>Every attachment.</summary>
    Always,

    /// <summary>Attachments whose decoded size is over <see cref="LinksPolicy.Threshold"/> bytes.</summary>
    Over,
}

/// <summary><c>links = never | always | over N</c>: the mode and, for <c>over</c>, the size in bytes an attachment must exceed.</summary>
public readonly record struct LinksPolicy(LinksMode Mode, long Threshold)
{
    public static LinksPolicy Never => new(LinksMode.Never, 0);

    public static LinksPolicy Always => new(LinksMode.Always, 0);

    /// <summary>True when an attachment of <paramref name="size"/> decoded bytes is replaced by a link.</summary>
    public bool Applies(long size) => Mode switch
    {
        LinksMode.Always => true,
        LinksMode.Over => size > Threshold,
        _ => false,
    };

    /// <summary>Parses <c>never</c>, <c>always</c> or <c>over N</c> (N in bytes, with K, M or G: 1024-based).</summary>
    public static bool TryParse(string text, out LinksPolicy value)
    {
        var t = text.Trim();
        value = Never;
        if (t.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (t.Equals("always", StringComparison.OrdinalIgnoreCase))
        {
            value = Always;
            return true;
        }

        if (t.StartsWith("over", StringComparison.OrdinalIgnoreCase) && t.Length > 4 && char.IsWhiteSpace(t[4])
            && ConfigValue.TryParseSize(t[4..], out long n))
        {
            value = new LinksPolicy(LinksMode.Over, n);
            return true;
        }

        return false;
    }

    public override string ToString() => Mode switch
    {
        LinksMode.Always => "always",
        LinksMode.Over => "over " + Threshold.ToString(CultureInfo.InvariantCulture),
        _ => "never",
    };
}

/// <summary><c>links_store_failure</c>: what happens to a message whose attachments should become links when the store
/// is full or unavailable.</summary>
public enum LinksStoreFailure
{
    /// <summary>451 4.3.x: Postfix keeps the message and retries (the default).</summary>
    Tempfail,

    /// <summary>The message goes on with its attachments inline (signed and encrypted as usual).</summary>
    Inline,
}
