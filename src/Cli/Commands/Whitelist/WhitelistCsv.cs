using System.Text;
using MailFilter.AuthClient.Protocol;

namespace MailFilter.Cli.Commands.Whitelist;

/// <summary>
/// The whitelist's CSV (RFC 4180): a header line <c>address,name,nickname,notes</c>, then one entry per record; the
/// address column holds an address (with '@') or a domain. Fields may be quoted ("" inside quotes is one quote, and
/// quoted fields may hold line breaks). Limits: 10 MiB, 10,000 entries (one import is one change: all or nothing),
/// 4 fields per record, 4,000 characters per field.
/// </summary>
internal static class WhitelistCsv
{
    public const string Header = "address,name,nickname,notes";
    public const int MaxBytes = 10 * 1024 * 1024;
    public const int MaxEntries = 10_000;
    public const int MaxFieldLength = 4000;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the line and what is wrong.</summary>
    public static List<WhitelistEntry> Parse(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            throw new FormatException($"the file is larger than {MaxBytes / (1024 * 1024)} MiB");
        }

        var records = Records(text);
        if (records.Count == 0)
        {
            throw new FormatException($"the file is empty: the first line must be the header {Header}");
        }

        var (headerLine, header) = records[0];
        if (!string.Join(",", header).Trim().Equals(Header, StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"line {headerLine}: the first line must be the header {Header}");
        }

        if (records.Count - 1 > MaxEntries)
        {
            throw new FormatException($"{records.Count - 1} entries: at most {MaxEntries} per import (split the file)");
        }

        var entries = new List<WhitelistEntry>(records.Count - 1);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count > 4)
            {
                throw new FormatException($"line {line}: {fields.Count} fields, at most 4 ({Header})");
            }

            string target = fields[0].Trim();
            if (target.Length == 0)
            {
                throw new FormatException($"line {line}: the address column is empty");
            }

            entries.Add(new WhitelistEntry
            {
                Address = target.Contains('@', StringComparison.Ordinal) ? target : null,
                Domain = target.Contains('@', StringComparison.Ordinal) ? null : target,
                Name = Field(fields, 1),
                Nickname = Field(fields, 2),
                Notes = Field(fields, 3),
            });
        }

        return entries;
    }

    public static void Write(TextWriter output, IEnumerable<WhitelistEntry> entries)
    {
        output.Write(Header + "\r\n");
        foreach (var e in entries)
        {
            output.Write(string.Join(",", new[] { e.Target, e.Name, e.Nickname, e.Notes }.Select(Quote)) + "\r\n");
        }
    }

    private static string? Field(List<string> fields, int i) => i < fields.Count && fields[i].Length > 0 ? fields[i] : null;

    private static string Quote(string? value) =>
        value is null ? string.Empty
        : value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || value != value.Trim() ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>The records with the line each starts on; blank lines are skipped.</summary>
    private static List<(int Line, List<string> Fields)> Records(string text)
    {
        var records = new List<(int, List<string>)>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1, i = 0;
        bool quoted = false, wasQuoted = false;
        while (i < text.Length)
        {
            char c = text[i++];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i < text.Length && text[i] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    Append(field, c, start);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = wasQuoted = true;
                    break;
                case '"':
                    throw new FormatException($"line {line}: a quote inside an unquoted field (quote the whole field and double the quote)");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    End();
                    line++;
                    start = line;
                    break;
                default:
                    if (wasQuoted)
                    {
                        throw new FormatException($"line {line}: text after a closing quote");
                    }

                    Append(field, c, start);
                    break;
            }
        }

        if (quoted)
        {
            throw new FormatException($"line {start}: a quoted field is not closed");
        }

        End();
        return records;

        void End()
        {
            fields.Add(field.ToString());
            field.Clear();
            wasQuoted = false;
            if (fields.Count > 1 || fields[0].Trim().Length > 0)
            {
                records.Add((start, fields));
            }

            fields = [];
        }
    }

    private static void Append(StringBuilder field, char c, int line)
    {
        if (field.Length >= MaxFieldLength)
        {
            throw new FormatException($"line {line}: a field is longer than {MaxFieldLength} characters");
        }

        field.Append(c);
    }
}
