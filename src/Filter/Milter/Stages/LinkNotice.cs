using System.Globalization;
using System.Text;
using MailFilter.AuthClient.Protocol;
using MailFilter.Mime;

namespace MailFilter.Filter.Milter.Stages;

/// <summary>
/// The notices that stand for attachments replaced by links (docs/attachments.md, "Replacement in the message"): the
/// notice block at the top of the message (multipart/alternative: text/plain and text/html, listing every file) and the
/// short text/plain notice that takes each replaced part's place. Built once per message; <see cref="Fill"/> writes one
/// recipient's links into them before that recipient's copy is written.
/// </summary>
internal sealed class LinkNotice
{
    public const string Intro = "Attachments of this message are stored for you to download:";

    private readonly MimePart _plain;
    private readonly MimePart _html;
    private readonly List<(MimePart Part, GrantFile File)> _inPlace = [];

    public LinkNotice(string boundary)
    {
        Block = new Multipart("alternative");
        Block.Headers.Set("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
        _plain = new MimePart("text", "plain");
        _html = new MimePart("text", "html");
        Block.Add(_plain);
        Block.Add(_html);
    }

    /// <summary>The notice block, to be put first in the top-level multipart/mixed.</summary>
    public Multipart Block { get; }

    /// <summary>A new in-place notice for <paramref name="file"/> (inline text/plain; its text comes with <see cref="Fill"/>).</summary>
    public MimePart InPlace(GrantFile file)
    {
        var part = new MimePart("text", "plain");
        part.Headers.Add("Content-Disposition", "inline");
        _inPlace.Add((part, file));
        return part;
    }

    /// <summary>Writes one recipient's links into the block and the in-place notices. <paramref name="links"/> has one
    /// link per file, in the order the files appear in the message.</summary>
    public void Fill(IReadOnlyList<(GrantFile File, AttachmentLink Link)> links)
    {
        _plain.SetText(PlainText(links));
        _html.SetText(HtmlText(links));
        foreach (var (part, file) in _inPlace)
        {
            var link = links.First(l => l.File == file).Link;
            part.SetText(InPlaceText(file, link));
        }
    }

    /// <summary>The text/plain notice block.</summary>
    public static string PlainText(IReadOnlyList<(GrantFile File, AttachmentLink Link)> links)
    {
        var sb = new StringBuilder();
        sb.Append(Intro).Append("\r\n");
        int n = 0;
        foreach (var (file, link) in links)
        {
            sb.Append("\r\n").Append((++n).ToString(CultureInfo.InvariantCulture)).Append(". ").Append(file.FileName).Append("\r\n");
            sb.Append("  Size: ").Append(Size(file.Size)).Append("\r\n");
            sb.Append("  SHA-256: ").Append(file.Sha256).Append("\r\n");
            sb.Append("  Expires: ").Append(Expiry(link.Expires)).Append("\r\n");
            sb.Append("  Link: ").Append(link.Url).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>The text/html notice block: the same facts, the file names as links.</summary>
    public static string HtmlText(IReadOnlyList<(GrantFile File, AttachmentLink Link)> links)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\r\n<html><body>\r\n<div class=\"mailfilter-links\">\r\n<p>").Append(Html(Intro)).Append("</p>\r\n<ol>\r\n");
        foreach (var (file, link) in links)
        {
            sb.Append("<li><a href=\"").Append(Html(link.Url)).Append("\">").Append(Html(file.FileName)).Append("</a><br>\r\n");
            sb.Append("Size: ").Append(Size(file.Size)).Append("<br>\r\n");
            sb.Append("SHA-256: <code>").Append(file.Sha256).Append("</code><br>\r\n");
            sb.Append("Expires: ").Append(Expiry(link.Expires)).Append("</li>\r\n");
        }

        sb.Append("</ol>\r\n</div>\r\n</body></html>\r\n");
        return sb.ToString();
    }

    /// <summary>The text that takes a replaced part's place.</summary>
    public static string InPlaceText(GrantFile file, AttachmentLink link) =>
        "[The attachment \"" + file.FileName + "\", " + Size(file.Size) + ", is stored as a link; see the list at the top of this message.]\r\n" +
        "Link: " + link.Url + "\r\n";

    /// <summary>Escapes &amp; &lt; &gt; and quotes; other characters stay as they are (the part is UTF-8).</summary>
    public static string Html(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    /// <summary>"52 bytes", "20,971,520 bytes (20.0 MiB)".</summary>
    public static string Size(long bytes)
    {
        string exact = bytes.ToString("N0", CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
        if (bytes < 1024)
        {
            return exact;
        }

        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return exact + " (" + value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit] + ")";
    }

    /// <summary>"2026-12-21 12:00 UTC".</summary>
    public static string Expiry(DateTimeOffset expires) => expires.UtcDateTime.ToString("yyyy'-'MM'-'dd HH':'mm 'UTC'", CultureInfo.InvariantCulture);
}
