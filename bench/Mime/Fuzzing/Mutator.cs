using System.Text;

namespace MailFilter.Mime.Fuzzing;

/// <summary>
/// Mutations of real messages: random byte flips, truncations, deleted delimiter lines, duplicated header fields,
/// stray delimiters, inserted structural fields (multipart and message types, encodings), dropped or doubled line
/// breaks and splices from other messages. Deterministic for a given <see cref="Random"/>.
/// </summary>
public static class Mutator
{
    private static readonly byte[] s_interesting = "\r\n-:=; \t\"\\<>()?_\0\xFF"u8.ToArray();

    public static byte[] Mutate(byte[] input, Random random, IReadOnlyList<byte[]> others)
    {
        var data = new List<byte>(input);
        var rounds = random.Next(1, 5);
        for (var r = 0; r < rounds; r++)
        {
            switch (random.Next(10))
            {
                case 8:
                    InsertStructuralField(data, random);
                    break;
                case 0:
                    FlipBytes(data, random);
                    break;
                case 1:
                    if (data.Count > 0)
                    {
                        var at = random.Next(data.Count);
                        data.RemoveRange(at, data.Count - at);
                    }

                    break;
                case 2:
                    DeleteDelimiterLine(data, random);
                    break;
                case 3:
                    DuplicateHeaderField(data, random);
                    break;
                case 4:
                    InsertStrayDelimiter(data, random);
                    break;
                case 5:
                    ChangeLineBreak(data, random);
                    break;
                case 6:
                    Splice(data, random, others);
                    break;
                case 7:
                    DuplicateLine(data, random);
                    break;
                default:
                    FlipBytes(data, random);
                    break;
            }
        }

        return [.. data];
    }

    private static void FlipBytes(List<byte> data, Random random)
    {
        if (data.Count == 0)
        {
            data.Add((byte)random.Next(256));
            return;
        }

        var n = random.Next(1, 9);
        for (var i = 0; i < n; i++)
        {
            data[random.Next(data.Count)] = random.Next(2) == 0 ? (byte)random.Next(256) : s_interesting[random.Next(s_interesting.Length)];
        }
    }

    private static List<(int Start, int End)> Lines(List<byte> data)
    {
        var lines = new List<(int, int)>();
        var start = 0;
        for (var i = 0; i < data.Count; i++)
        {
            if (data[i] == '\n')
            {
                lines.Add((start, i + 1));
                start = i + 1;
            }
        }

        if (start < data.Count)
        {
            lines.Add((start, data.Count));
        }

        return lines;
    }

    private static void DeleteDelimiterLine(List<byte> data, Random random)
    {
        var delimiters = Lines(data).Where(l => l.End - l.Start >= 2 && data[l.Start] == '-' && data[l.Start + 1] == '-').ToList();
        if (delimiters.Count == 0)
        {
            return;
        }

        var (start, end) = delimiters[random.Next(delimiters.Count)];
        data.RemoveRange(start, end - start);
    }

    private static void DuplicateHeaderField(List<byte> data, Random random)
    {
        var lines = Lines(data);
        var fields = lines.Where(l => l.End - l.Start > 2 && data[l.Start] is not ((byte)' ' or (byte)'\t') && data.GetRange(l.Start, l.End - l.Start).Contains((byte)':')).ToList();
        if (fields.Count == 0)
        {
            return;
        }

        var (start, end) = fields[random.Next(fields.Count)];
        var copy = data.GetRange(start, end - start);
        var at = random.Next(2) == 0 ? start : lines[random.Next(lines.Count)].Start;
        data.InsertRange(at, copy);
    }

    private static void InsertStrayDelimiter(List<byte> data, Random random)
    {
        var lines = Lines(data);
        var delimiters = lines.Where(l => l.End - l.Start >= 2 && data[l.Start] == '-' && data[l.Start + 1] == '-').ToList();
        byte[] line;
        if (delimiters.Count > 0 && random.Next(3) > 0)
        {
            var (s, e) = delimiters[random.Next(delimiters.Count)];
            line = [.. data.GetRange(s, e - s)];
            if (random.Next(2) == 0)
            {
                line = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(line).TrimEnd('\r', '\n') + "--\r\n");
            }
        }
        else
        {
            line = "--\r\n"u8.ToArray();
        }

        var at = lines.Count == 0 ? 0 : lines[random.Next(lines.Count)].Start;
        data.InsertRange(at, line);
    }

    private static void ChangeLineBreak(List<byte> data, Random random)
    {
        var lines = Lines(data);
        if (lines.Count == 0)
        {
            return;
        }

        var (start, end) = lines[random.Next(lines.Count)];
        var last = end - 1;
        if (data[last] != '\n')
        {
            return;
        }

        switch (random.Next(3))
        {
            case 0 when last > start && data[last - 1] == '\r':
                data.RemoveAt(last - 1); // CRLF -> LF
                break;
            case 1:
                data.Insert(last, (byte)'\r'); // LF -> CRLF (or CR CR LF)
                break;
            default:
                data.RemoveAt(last); // join with the next line
                break;
        }
    }

    private static void Splice(List<byte> data, Random random, IReadOnlyList<byte[]> others)
    {
        if (others.Count == 0)
        {
            return;
        }

        var other = others[random.Next(others.Count)];
        if (other.Length == 0)
        {
            return;
        }

        var from = random.Next(other.Length);
        var length = Math.Min(other.Length - from, random.Next(1, 4096));
        data.InsertRange(random.Next(data.Count + 1), other.AsSpan(from, length).ToArray());
    }

    private static readonly string[] s_fields =
    [
        "Content-Type: multipart/mixed; boundary=\"{0}\"\r\n",
        "Content-Type: multipart/digest; boundary={0}\r\n",
        "Content-Type: message/rfc822\r\n",
        "Content-Type: message/delivery-status\r\n",
        "Content-Transfer-Encoding: base64\r\n",
        "Content-Transfer-Encoding: quoted-printable\r\n",
        "Content-Transfer-Encoding: x-uuencode\r\n",
        "Content-Disposition: attachment; filename*0*=utf-8''%E2%9C%94; filename*1=\"{0}\"\r\n",
        "\r\n",
        "--{0}\r\n",
        "--{0}--\r\n",
    ];

    /// <summary>Inserts a line that changes structure (a multipart type with a boundary used elsewhere, an encoding, a delimiter).</summary>
    private static void InsertStructuralField(List<byte> data, Random random)
    {
        var lines = Lines(data);
        var boundaries = lines.Where(l => l.End - l.Start > 2 && data[l.Start] == '-' && data[l.Start + 1] == '-')
            .Select(l => Encoding.Latin1.GetString(data.GetRange(l.Start + 2, l.End - l.Start - 2).ToArray()).TrimEnd('\r', '\n', '-', ' '))
            .Where(b => b.Length > 0).ToList();
        var boundary = boundaries.Count > 0 && random.Next(4) > 0 ? boundaries[random.Next(boundaries.Count)] : "fz" + random.Next(100);
        var line = Encoding.Latin1.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, s_fields[random.Next(s_fields.Length)], boundary));
        var at = lines.Count == 0 ? 0 : lines[random.Next(lines.Count)].Start;
        data.InsertRange(at, line);
    }

    private static void DuplicateLine(List<byte> data, Random random)
    {
        var lines = Lines(data);
        if (lines.Count == 0)
        {
            return;
        }

        var (start, end) = lines[random.Next(lines.Count)];
        data.InsertRange(end, data.GetRange(start, end - start));
    }
}
