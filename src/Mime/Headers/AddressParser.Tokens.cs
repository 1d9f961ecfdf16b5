namespace MailFilter.Mime;

/// <summary>The address tokenizer (RFC 5322 §3.2: atoms, quoted strings, domain literals, comments, specials).</summary>
public static partial class AddressParser
{
    private static List<Token> Tokenize(string s, out bool clean)
    {
        clean = true;
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var space = false;
            while (i < s.Length && Rfc822Lexer.IsWhite(s[i]))
            {
                i++;
                space = true;
            }

            if (i >= s.Length)
            {
                break;
            }

            var c = s[i];
            switch (c)
            {
                case '(':
                    var text = Rfc822Lexer.ReadComment(s, ref i);
                    if (i > s.Length || s[i - 1] != ')')
                    {
                        clean = false;
                    }

                    tokens.Add(new Token(Kind.Comment, text, space));
                    break;
                case '"':
                    var quoteStart = i;
                    var quoted = Rfc822Lexer.ReadQuoted(s, ref i);
                    if (s[i - 1] != '"' || i - 1 == quoteStart)
                    {
                        clean = false;
                    }

                    tokens.Add(new Token(Kind.Quoted, quoted, space));
                    break;
                case '[':
                    var close = s.IndexOf(']', i);
                    var literalEnd = close < 0 ? s.Length : close + 1;
                    if (close < 0)
                    {
                        clean = false;
                    }

                    tokens.Add(new Token(Kind.Literal, s[i..literalEnd], space));
                    i = literalEnd;
                    break;
                case '<' or '>' or '@' or ',' or ';' or ':' or '.':
                    tokens.Add(new Token(Kind.Special, c.ToString(), space));
                    i++;
                    break;
                default:
                    var start = i;
                    while (i < s.Length && !Rfc822Lexer.IsWhite(s[i]) && "()<>@,;:.\"[]".IndexOf(s[i], StringComparison.Ordinal) < 0)
                    {
                        if (!Rfc822Lexer.IsAtext(s[i]))
                        {
                            clean = false;
                        }

                        i++;
                    }

                    if (i == start)
                    {
                        clean = false; // a stray ']' or '\\'
                        i++;
                        continue;
                    }

                    tokens.Add(new Token(Kind.Atom, s[start..i], space));
                    break;
            }
        }

        return tokens;
    }
}
