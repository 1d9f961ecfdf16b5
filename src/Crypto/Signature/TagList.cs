using System.Diagnostics.CodeAnalysis;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// A DKIM tag list (RFC 6376 §3.2): <c>tag = [FWS] name [FWS] "=" [FWS] value [FWS]</c>, separated by
/// ";", an optional trailing ";". Tag names are ALPHA *(ALPHA / DIGIT / "_"); a duplicate name makes the
/// whole list invalid. Values are VALCHAR (%x21-3A / %x3C-7E) with folding white space inside.
/// </summary>
internal sealed class TagList
{
    private readonly List<Tag> _tags;

    private TagList(List<Tag> tags)
    {
        _tags = tags;
    }

    public IReadOnlyList<Tag> Tags => _tags;

    public static bool TryParse(ReadOnlySpan<byte> raw, [NotNullWhen(true)] out TagList? list)
    {
        list = null;
        var tags = new List<Tag>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int position = 0;
        while (true)
        {
            int end = raw[position..].IndexOf((byte)';');
            end = end < 0 ? raw.Length : position + end;
            var spec = raw[position..end];
            bool last = end == raw.Length;
            if (IsWhiteSpace(spec))
            {
                // Only the last spec may be empty (a trailing ";").
                if (!last || tags.Count == 0)
                {
                    return false;
                }

                break;
            }

            int equals = spec.IndexOf((byte)'=');
            if (equals < 0)
            {
                return false;
            }

            var name = Trim(spec[..equals], out _);
            if (!IsTagName(name))
            {
                return false;
            }

            var value = Trim(spec[(equals + 1)..], out _);
            foreach (byte b in value)
            {
                if (!(IsValChar(b) || IsWhiteSpaceByte(b)))
                {
                    return false;
                }
            }

            var nameText = System.Text.Encoding.ASCII.GetString(name);
            if (!names.Add(nameText))
            {
                return false;
            }

            // The raw range runs from after "=" to the separator: deleting it deletes the value with
            // its surrounding white space, as RFC 6376 §3.7 does for b=.
            tags.Add(new Tag(nameText, System.Text.Encoding.ASCII.GetString(value), position + equals + 1, end));
            if (last)
            {
                break;
            }

            position = end + 1;
        }

        list = new TagList(tags);
        return true;
    }

    public string? this[string name]
    {
        get
        {
            foreach (var tag in _tags)
            {
                if (tag.Name == name)
                {
                    return tag.Value;
                }
            }

            return null;
        }
    }

    public Tag? Find(string name)
    {
        foreach (var tag in _tags)
        {
            if (tag.Name == name)
            {
                return tag;
            }
        }

        return null;
    }

    /// <summary>Removes folding white space (CR, LF, SP, HTAB) from a value, as base64 tags require.</summary>
    public static string Compact(string value) => string.Concat(value.Where(c => c is not (' ' or '\t' or '\r' or '\n')));

    private static bool IsTagName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || !char.IsAsciiLetter((char)name[0]))
        {
            return false;
        }

        foreach (byte b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValChar(byte b) => b is >= 0x21 and <= 0x3A or >= 0x3C and <= 0x7E;

    private static bool IsWhiteSpaceByte(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsWhiteSpace(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if (!IsWhiteSpaceByte(b))
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s, out int leading)
    {
        int start = 0;
        while (start < s.Length && IsWhiteSpaceByte(s[start]))
        {
            start++;
        }

        int end = s.Length;
        while (end > start && IsWhiteSpaceByte(s[end - 1]))
        {
            end--;
        }

        leading = start;
        return s[start..end];
    }
}
