using System.Text;

namespace MailFilter.Crypto.Signature;

/// <summary>
/// Builds a folded header value: pieces are appended with a separator, and a line break (CRLF TAB) is
/// put at a separator when the line would pass 78 columns (RFC 5322 §2.1.1). Folding is only placed
/// where the tag grammar allows folding white space.
/// </summary>
internal sealed class HeaderFolder
{
    private const int LineLimit = 78;
    private readonly StringBuilder _value = new();
    private int _column;

    public HeaderFolder(int nameLength)
    {
        _column = nameLength + 1;
    }

    /// <summary>Appends <paramref name="separator"/> then <paramref name="piece"/>, folding after the separator's non-space part if needed.</summary>
    public void Append(string separator, string piece)
    {
        var trimmed = separator.TrimEnd(' ');
        if (_column + separator.Length + piece.Length > LineLimit && _value.Length > 0)
        {
            _value.Append(trimmed).Append("\r\n\t");
            _column = 8;
        }
        else
        {
            _value.Append(separator);
            _column += separator.Length;
        }

        _value.Append(piece);
        _column += piece.Length;
    }

    /// <summary>Appends a long token (base64) that may be broken anywhere, since folding white space is ignored inside it.</summary>
    public void AppendBreakable(string separator, string token)
    {
        Append(separator, string.Empty);
        foreach (char c in token)
        {
            if (_column >= LineLimit)
            {
                _value.Append("\r\n\t");
                _column = 8;
            }

            _value.Append(c);
            _column++;
        }
    }

    public override string ToString() => _value.ToString();
}
