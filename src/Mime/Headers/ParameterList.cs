using System.Collections;

namespace MailFilter.Mime;

/// <summary>An ordered, case-insensitive list of parameters (RFC 2045 §5.1). Lookups return the first match.</summary>
public sealed class ParameterList : IReadOnlyList<MimeParameter>
{
    private readonly List<MimeParameter> _items = [];

    public int Count => _items.Count;

    public MimeParameter this[int index] => _items[index];

    /// <summary>The first value of the named parameter, or null.</summary>
    public string? this[string name] => Find(name)?.Value;

    public MimeParameter? Find(string name)
    {
        foreach (var p in _items)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p;
            }
        }

        return null;
    }

    public bool Contains(string name) => Find(name) is not null;

    /// <summary>Sets the value of the first parameter of that name (appending one when missing) and removes later duplicates.</summary>
    public void Set(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var index = _items.FindIndex(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            _items.Add(new MimeParameter(name, value));
            return;
        }

        _items[index] = new MimeParameter(_items[index].Name, value);
        for (var i = _items.Count - 1; i > index; i--)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                _items.RemoveAt(i);
            }
        }
    }

    public bool Remove(string name) =>
        _items.RemoveAll(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) > 0;

    internal void Add(MimeParameter parameter) => _items.Add(parameter);

    public IEnumerator<MimeParameter> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
