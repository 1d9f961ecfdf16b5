using System.Text;

namespace MailFilter.Mime;

/// <summary>
/// Parses address fields (RFC 5322 §3.4) including groups, display names with RFC 2047 encoded words, the obsolete
/// syntax of §4.4 (routes, CFWS between local-part words, a name in a trailing comment, empty list elements) and
/// RFC 6532 UTF-8. <see cref="ParseList"/> is lenient and never throws; <see cref="Parse"/> and
/// <see cref="TryParseList"/> refuse anything a strict reader would.
/// </summary>
public static partial class AddressParser
{
    private enum Kind : byte
    {
        Atom,
        Quoted,
        Literal,
        Comment,
        Special,
    }

    private readonly record struct Token(Kind Kind, string Text, bool SpaceBefore)
    {
        public bool Is(char c) => Kind == Kind.Special && Text[0] == c;

        public bool IsWord => Kind is Kind.Atom or Kind.Quoted;
    }

    /// <summary>Reads every address it can find; skips what it can not.</summary>
    public static IReadOnlyList<InternetAddress> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text, out _);
    }

    /// <summary>Strict: false when anything needed leniency.</summary>
    public static bool TryParseList(string text, out IReadOnlyList<InternetAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(text);
        addresses = ParseCore(text, out var clean);
        return clean && addresses.Count > 0;
    }

    /// <summary>Strict parse of a single address; throws <see cref="MimeFormatException"/> otherwise.</summary>
    public static InternetAddress Parse(string text)
    {
        if (!TryParseList(text, out var list) || list.Count != 1)
        {
            throw new MimeFormatException(MimeFormatError.InvalidAddress, "Not a single RFC 5322 address.");
        }

        return list[0];
    }

    private static List<InternetAddress> ParseCore(string text, out bool clean)
    {
        var tokens = Tokenize(text, out clean);
        var result = new List<InternetAddress>();
        var pos = 0;
        while (pos < tokens.Count)
        {
            if (tokens[pos].Is(','))
            {
                pos++;
                continue;
            }

            var start = pos;
            var address = ParseAddress(tokens, ref pos, false, ref clean);
            if (address is not null)
            {
                result.Add(address);
            }

            // Anything up to the next comma is junk.
            while (pos < tokens.Count && !tokens[pos].Is(','))
            {
                clean = false;
                pos++;
            }

            if (pos == start)
            {
                pos++;
            }
        }

        return result;
    }

    private static InternetAddress? ParseAddress(List<Token> t, ref int pos, bool inGroup, ref bool clean)
    {
        var phraseStart = pos;
        while (pos < t.Count && (t[pos].IsWord || t[pos].Kind == Kind.Comment || t[pos].Is('.')))
        {
            pos++;
        }

        var phraseEnd = pos;
        if (pos < t.Count && t[pos].Is(':') && !inGroup)
        {
            pos++;
            var members = new List<MailboxAddress>();
            while (pos < t.Count && !t[pos].Is(';'))
            {
                if (t[pos].Is(','))
                {
                    pos++;
                    continue;
                }

                var before = pos;
                if (ParseAddress(t, ref pos, true, ref clean) is MailboxAddress m)
                {
                    members.Add(m);
                }

                while (pos < t.Count && !t[pos].Is(',') && !t[pos].Is(';'))
                {
                    clean = false;
                    pos++;
                }

                if (pos == before)
                {
                    pos++;
                }
            }

            if (pos < t.Count)
            {
                pos++; // ';'
            }
            else
            {
                clean = false;
            }

            return new GroupAddress(Phrase(t, phraseStart, phraseEnd) ?? string.Empty, members);
        }

        if (pos < t.Count && t[pos].Is('<'))
        {
            pos++;
            var route = new List<string>();
            if (pos < t.Count && t[pos].Is('@'))
            {
                // obs-route: "@a,@b:" (RFC 5322 §4.4)
                while (pos < t.Count && (t[pos].Is('@') || t[pos].Is(',')))
                {
                    if (t[pos].Is('@'))
                    {
                        pos++;
                        route.Add(Compact(t, ref pos, stopAtDot: false));
                    }
                    else
                    {
                        pos++;
                    }
                }

                if (pos < t.Count && t[pos].Is(':'))
                {
                    pos++;
                }
                else
                {
                    clean = false;
                }
            }

            var local = Compact(t, ref pos, stopAtDot: false);
            var address = local;
            if (pos < t.Count && t[pos].Is('@'))
            {
                pos++;
                address = local + "@" + Compact(t, ref pos, stopAtDot: false);
            }
            else
            {
                clean = false;
            }

            while (pos < t.Count && !t[pos].Is('>') && !t[pos].Is(','))
            {
                clean = false;
                pos++;
            }

            if (pos < t.Count && t[pos].Is('>'))
            {
                pos++;
            }
            else
            {
                clean = false;
            }

            SkipComments(t, ref pos);
            return new MailboxAddress(Phrase(t, phraseStart, phraseEnd), address, route);
        }

        if (pos < t.Count && t[pos].Is('@'))
        {
            var localPos = phraseStart;
            var local = Compact(t, ref localPos, stopAtDot: false);
            pos++;
            var domain = Compact(t, ref pos, stopAtDot: false);
            if (local.Length == 0 || domain.Length == 0)
            {
                clean = false;
            }

            // obs: "user@host (Display Name)"
            string? name = null;
            for (var k = phraseStart; k < pos; k++)
            {
                if (t[k].Kind == Kind.Comment && name is null)
                {
                    name = Rfc2047.DecodeText(t[k].Text).Trim();
                }
            }

            while (pos < t.Count && t[pos].Kind == Kind.Comment)
            {
                name ??= Rfc2047.DecodeText(t[pos].Text).Trim();
                pos++;
            }

            return new MailboxAddress(name, local + "@" + domain);
        }

        if (phraseEnd > phraseStart)
        {
            // A bare word list: a local-only address such as "postmaster" (not valid RFC 5322 outside angle brackets).
            clean = false;
            var p = phraseStart;
            var bare = Compact(t, ref p, stopAtDot: false);
            return bare.Length > 0 ? new MailboxAddress(null, bare) : null;
        }

        return null;
    }

    /// <summary>Joins words, dots and literals with no spaces (a local part or a domain), skipping comments.</summary>
    private static string Compact(List<Token> t, ref int pos, bool stopAtDot)
    {
        var sb = new StringBuilder();
        while (pos < t.Count)
        {
            var tok = t[pos];
            if (tok.Kind == Kind.Comment)
            {
                pos++;
                continue;
            }

            if (tok.IsWord || tok.Kind == Kind.Literal || (tok.Is('.') && !stopAtDot))
            {
                sb.Append(tok.Text);
                pos++;
                continue;
            }

            break;
        }

        return sb.ToString();
    }

    /// <summary>A display name: words joined by single spaces (dots kept, obs-phrase), then RFC 2047 decoded.</summary>
    private static string? Phrase(List<Token> t, int start, int end)
    {
        var sb = new StringBuilder();
        for (var k = start; k < end; k++)
        {
            var tok = t[k];
            if (tok.Kind == Kind.Comment)
            {
                continue;
            }

            if (sb.Length > 0 && tok.SpaceBefore)
            {
                sb.Append(' ');
            }

            sb.Append(tok.Text);
        }

        var text = Rfc2047.DecodeText(sb.ToString()).Trim();
        return text.Length == 0 ? null : text;
    }

    private static void SkipComments(List<Token> t, ref int pos)
    {
        while (pos < t.Count && t[pos].Kind == Kind.Comment)
        {
            pos++;
        }
    }
}
