using System.Security.Cryptography;
using System.Text;

namespace MailFilter.Mime.Tests;

/// <summary>The engine's view of a message for the judge comparison.</summary>
internal static class EngineView
{
    /// <param name="raw">The message bytes (to see the line break that follows a message/delivery-status part).</param>
    public static List<ViewNode> Describe(MimeMessage message, byte[] raw)
    {
        var nodes = new List<ViewNode>();
        var root = message.Root;
        var rootDepth = root.Depth;
        foreach (var entity in root.Descendants())
        {
            var depth = entity.Depth - rootDepth;
            var type = entity.ContentType.MimeType;
            var name = entity.FileName;
            if (entity is MimePart part)
            {
                byte[] data;
                if (type == "message/delivery-status")
                {
                    // Python splits the blocks while reading lines, before the line break in front of the next
                    // delimiter is taken off (RFC 2046 §5.1.1 gives it to the delimiter): feed it the same lines.
                    var content = part.GetDecodedBytes();
                    var end = part.Offset + part.RawLength;
                    if (part.Parent is Multipart && end < raw.Length && raw[end] is (byte)'\r' or (byte)'\n')
                    {
                        content = [.. content, (byte)'\n'];
                    }

                    data = CanonicalStatusBlocks(content);
                }
                else
                {
                    data = part.GetDecodedBytes();
                }

                nodes.Add(new ViewNode(depth, type, true, name, data.Length, Convert.ToHexStringLower(SHA256.HashData(data))));
            }
            else
            {
                nodes.Add(new ViewNode(depth, type, false, name, 0, null));
            }
        }

        return nodes;
    }

    /// <summary>
    /// message/delivery-status as judge.py prints it: the header blocks (RFC 3464 §2.1) as "name:value" lines with
    /// whitespace runs collapsed, a blank line between blocks. Python keeps no raw bytes for this type, so both sides
    /// compare this listing; the block splitting follows Python's feedparser so the listing is the same function of
    /// the same bytes.
    /// </summary>
    public static byte[] CanonicalStatusBlocks(byte[] content)
    {
        var lines = SplitLines(Encoding.Latin1.GetString(content));
        var blocks = new List<string>();
        var pos = 0;
        while (true)
        {
            var headerLines = new List<string>();
            while (pos < lines.Count && !IsBlank(lines[pos]) && IsHeaderLine(lines[pos]))
            {
                headerLines.Add(lines[pos++]);
            }

            while (pos < lines.Count && !IsBlank(lines[pos]))
            {
                pos++; // body lines of a block are not fields
            }

            blocks.Add(FormatFields(headerLines));
            if (pos < lines.Count)
            {
                pos++; // the blank line
            }

            if (pos >= lines.Count)
            {
                break;
            }
        }

        return Encoding.Latin1.GetBytes(string.Join("\n", blocks));
    }

    private static string FormatFields(List<string> lines)
    {
        var sb = new StringBuilder();
        string? name = null;
        var value = new StringBuilder();
        void FlushField()
        {
            if (name is not null)
            {
                var collapsed = string.Join(' ', value.ToString().Split((char[])[' ', '\t', '\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x1f'], StringSplitOptions.RemoveEmptyEntries));
                sb.Append(name.ToLowerInvariant()).Append(':').Append(collapsed).Append('\n');
            }

            name = null;
            value.Clear();
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line[0] is ' ' or '\t')
            {
                if (name is not null)
                {
                    value.Append(line);
                }

                continue;
            }

            FlushField();
            if (line.StartsWith("From ", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            name = line[..colon];
            value.Append(line[(colon + 1)..].TrimStart(' ', '\t'));
        }

        FlushField();
        return sb.ToString();
    }

    private static bool IsBlank(string line) => line[0] is '\r' or '\n';

    private static bool IsHeaderLine(string line)
    {
        if (line.StartsWith("From ", StringComparison.Ordinal) || line[0] is ' ' or '\t')
        {
            return true;
        }

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        for (var i = 0; i < colon; i++)
        {
            if (line[i] is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Lines with their line breaks, split at CRLF, CR or LF as Python's feedparser does.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }
}
