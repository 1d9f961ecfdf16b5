using System.Globalization;

namespace MailFilter.Mime;

/// <summary>
/// Human- and machine-readable descriptions of a parsed message (what `mailfilterctl mime-dump` prints and the
/// golden files hold). Part paths are hierarchical: the root entity is "1", the parts of a multipart at path P are
/// P.1, P.2, ..., and the message inside a message/* part at path P is P.1.
/// </summary>
public static class MimeDump
{
    /// <summary>Every entity with its path, in document order.</summary>
    public static IEnumerable<(string Path, MimeEntity Entity)> WithPaths(MimeEntity root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var stack = new Stack<(string, MimeEntity)>();
        stack.Push(("1", root));
        while (stack.Count > 0)
        {
            var (path, entity) = stack.Pop();
            yield return (path, entity);
            switch (entity)
            {
                case Multipart m:
                    for (var i = m.Count - 1; i >= 0; i--)
                    {
                        stack.Push((path + "." + (i + 1).ToString(CultureInfo.InvariantCulture), m[i]));
                    }

                    break;
                case MessagePart { Message: { } inner }:
                    stack.Push((path + ".1", inner));
                    break;
            }
        }
    }

    /// <summary>The leaf parts (message/rfc822 parts descended into) with their decoded length and SHA-256, streamed from the source.</summary>
    public static IEnumerable<LeafSummary> Leaves(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var (path, entity) in WithPaths(message.Root))
        {
            if (entity is MimePart part)
            {
                var (length, sha256) = part.GetDecodedDigest();
                yield return new LeafSummary(path, part.ContentType.MimeType, part.ContentType.Charset, part.FileName, Convert.ToHexStringLower(sha256), length);
            }
        }
    }

    /// <summary>Writes the tree: one line per entity (path, type, charset, name, disposition, encoding, sizes), then its defects.</summary>
    public static void WriteTree(MimeMessage message, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var (path, entity) in WithPaths(message.Root))
        {
            var indent = new string(' ', 2 * (path.Count(c => c == '.')));
            var ct = entity.ContentType;
            var line = indent + path + " " + ct.MimeType;
            if (ct.Charset is { } charset)
            {
                line += " charset=" + charset;
            }

            if (entity.FileName is { } name)
            {
                line += " name=\"" + name + "\"";
            }

            if (entity.ContentDisposition is { Disposition.Length: > 0 } cd)
            {
                line += " " + cd.Disposition;
            }

            switch (entity)
            {
                case MimePart part:
                    var (length, _) = part.GetDecodedDigest();
                    var encoding = part.ContentTransferEncoding == ContentEncoding.Default ? "7bit" : ContentEncodings.ToToken(part.ContentTransferEncoding);
                    line += string.Create(CultureInfo.InvariantCulture, $" {encoding} {length} bytes");
                    if (part.EncodedLength >= 0 && part.EncodedLength != length)
                    {
                        line += string.Create(CultureInfo.InvariantCulture, $" ({part.EncodedLength} encoded)");
                    }

                    break;
                case Multipart multipart:
                    line += string.Create(CultureInfo.InvariantCulture, $" boundary=\"{multipart.Boundary}\" {multipart.Count} parts");
                    break;
            }

            writer.WriteLine(line);
            foreach (var defect in entity.Defects)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}  ! {defect.Kind} at byte {defect.Offset}"));
            }
        }
    }
}
