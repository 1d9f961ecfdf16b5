namespace MailFilter.Mime;

/// <summary>
/// Serialises an entity tree. An unmodified entity read from input is copied byte for byte from its source; a
/// modified one keeps every unchanged piece (header fields, preamble, delimiter lines, other parts, epilogue) and
/// writes only what changed in canonical form.
/// </summary>
internal static class MimeWriter
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    public static void Write(MimeEntity entity, Stream output) => WriteEntity(entity, new TrackingStream(output), 0, false);

    /// <summary>
    /// Writes every entity piece by piece (header fields, separators, preambles, delimiters, trailers) as if all had
    /// changed, without changing any: for tests that check the layout bookkeeping gives the input back exactly.
    /// </summary>
    internal static void WritePiecewise(MimeEntity entity, Stream output) => WriteEntity(entity, new TrackingStream(output), 0, true);

    private static void WriteEntity(MimeEntity entity, TrackingStream output, int depth, bool piecewise)
    {
        if (depth > MimeOptions.DepthCeiling)
        {
            throw new MimeFormatException(MimeFormatError.InvalidTree, $"The entity tree is nested deeper than {MimeOptions.DepthCeiling} levels.");
        }

        var layout = entity.Layout;
        if (layout is not null && !entity.IsModified && !piecewise)
        {
            layout.Source.CopyTo(layout.Offset, layout.End - layout.Offset, output);
            return;
        }

        WriteHeaderBlock(entity, output, piecewise);
        switch (entity)
        {
            case MimePart part:
                if (layout is not null && part.HasOriginalContent)
                {
                    layout.Source.CopyTo(layout.BodyOffset, layout.End - layout.BodyOffset, output);
                }
                else
                {
                    ContentWriter.WriteEncoded(part.Content!, output, part.ContentType.MediaType == "text");
                }

                break;
            case Multipart multipart:
                WriteMultipartBody(multipart, output, depth, piecewise);
                break;
            case MessagePart { Message: { } inner }:
                WriteEntity(inner, output, depth + 1, piecewise);
                break;
        }
    }

    private static void WriteHeaderBlock(MimeEntity entity, TrackingStream output, bool piecewise)
    {
        var layout = entity.Layout;
        if (layout is not null && !entity.Headers.IsModified && !piecewise)
        {
            layout.Source.CopyTo(layout.Offset, layout.BodyOffset - layout.Offset, output);
            return;
        }

        // Unchanged lines are written as they were; when the block changed, a line that ended at the end of input
        // gets its line break and a missing empty line is supplied (RFC 5322 §2.1).
        var changed = entity.Headers.IsModified || layout is null;
        if (layout?.EnvelopeLine is { } envelope)
        {
            WriteLine(output, envelope, changed);
        }

        foreach (var header in entity.Headers)
        {
            WriteLine(output, header.RawBytes, changed);
        }

        output.Write(layout is not null && (layout.Separator.Length > 0 || !changed) ? layout.Separator : CrLf);
    }

    private static void WriteLine(TrackingStream output, ReadOnlySpan<byte> line, bool terminate)
    {
        output.Write(line);
        if (terminate && (line.Length == 0 || line[^1] != '\n'))
        {
            output.Write(CrLf);
        }
    }

    private static void WriteMultipartBody(Multipart multipart, TrackingStream output, int depth, bool piecewise)
    {
        var boundary = multipart.RawBoundary();
        if (boundary is null || (boundary.Length == 0 && multipart.Layout is null))
        {
            throw new MimeFormatException(MimeFormatError.InvalidTree, "A multipart to be written needs a boundary parameter.");
        }

        var layout = multipart.Layout;
        var source = layout?.Source;
        var raw = multipart.RawDelimitersValid;
        var delimiter = System.Text.Encoding.Latin1.GetBytes("--" + boundary);
        var written = false;
        if (layout is not null && multipart.PreambleEnd > layout.BodyOffset)
        {
            source!.CopyTo(layout.BodyOffset, multipart.PreambleEnd - layout.BodyOffset, output);
            written = true;
        }

        foreach (var slot in multipart.Slots)
        {
            if (raw && slot.DelimiterStart >= 0)
            {
                // A delimiter read without the line break before it followed a line break in the input; if what was
                // written before it now does not end with one, supply it (RFC 2046 §5.1.1).
                if (written && output.LastByte != '\n' && !StartsWithLineBreak(source!, slot.DelimiterStart))
                {
                    output.Write(CrLf);
                }

                source!.CopyTo(slot.DelimiterStart, slot.DelimiterEnd - slot.DelimiterStart, output);
            }
            else
            {
                if (written)
                {
                    output.Write(CrLf);
                }

                output.Write(delimiter);
                output.Write(CrLf);
            }

            written = true;
            WriteEntity(slot.Entity, output, depth + 1, piecewise);
        }

        if (raw && (multipart.KeepRawTrailer || piecewise))
        {
            source!.CopyTo(multipart.TrailerStart, layout!.End - multipart.TrailerStart, output);
        }
        else
        {
            // RFC 2046 §5.1.1: the close delimiter, with the line break before it.
            output.Write(CrLf);
            output.Write(delimiter);
            output.Write("--\r\n"u8);
        }
    }

    private static bool StartsWithLineBreak(MimeSource source, long offset)
    {
        Span<byte> one = stackalloc byte[1];
        return source.Read(offset, one) == 1 && one[0] is (byte)'\r' or (byte)'\n';
    }
}
