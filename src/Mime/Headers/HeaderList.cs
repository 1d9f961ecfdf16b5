using System.Collections;

namespace MailFilter.Mime;

/// <summary>
/// The header fields of one entity, in order. Name lookups are case-insensitive and return the first field, as
/// the structure decisions do. Changing the list marks the owning entity modified; untouched fields are still
/// written back byte for byte.
/// </summary>
public sealed class HeaderList : IReadOnlyList<Header>
{
    private readonly List<Header> _items = [];

    internal HeaderList()
    {
    }

    /// <summary>Called after every change (the owning entity invalidates its cached views and marks itself modified).</summary>
    internal Action? Changed { get; set; }

    /// <summary>True once any field was added, removed or replaced since the message was read.</summary>
    public bool IsModified { get; private set; }

    public int Count => _items.Count;

    public Header this[int index] => _items[index];

    /// <summary>The unfolded value of the first field with that name, or null.</summary>
    public string? this[string name] => Find(name)?.Value;

    public Header? Find(string name)
    {
        foreach (var h in _items)
        {
            if (h.Is(name))
            {
                return h;
            }
        }

        return null;
    }

    public IEnumerable<Header> FindAll(string name)
    {
        foreach (var h in _items)
        {
            if (h.Is(name))
            {
                yield return h;
            }
        }
    }

    public bool Contains(string name) => Find(name) is not null;

    public int IndexOf(Header header) => _items.IndexOf(header);

    /// <summary>Appends a field.</summary>
    public Header Add(string name, string value) => Add(new Header(name, value));

    public Header Add(Header header)
    {
        ArgumentNullException.ThrowIfNull(header);
        _items.Add(header);
        OnChanged();
        return header;
    }

    /// <summary>Inserts a field at a position (0 = top of the block, where trace and signature fields go).</summary>
    public Header Insert(int index, Header header)
    {
        ArgumentNullException.ThrowIfNull(header);
        _items.Insert(index, header);
        OnChanged();
        return header;
    }

    /// <summary>Replaces the first field of that name in place (appending when there is none) and removes the others.</summary>
    public Header Set(string name, string value)
    {
        var header = new Header(name, value);
        var index = _items.FindIndex(h => h.Is(name));
        if (index < 0)
        {
            _items.Add(header);
        }
        else
        {
            _items[index] = header;
            for (var i = _items.Count - 1; i > index; i--)
            {
                if (_items[i].Is(name))
                {
                    _items.RemoveAt(i);
                }
            }
        }

        OnChanged();
        return header;
    }

    /// <summary>Removes every field with that name; returns how many.</summary>
    public int RemoveAll(string name)
    {
        var n = _items.RemoveAll(h => h.Is(name));
        if (n > 0)
        {
            OnChanged();
        }

        return n;
    }

    public bool Remove(Header header)
    {
        if (!_items.Remove(header))
        {
            return false;
        }

        OnChanged();
        return true;
    }

    /// <summary>Adds a field read from input (no change notification).</summary>
    internal void AddParsed(Header header) => _items.Add(header);

    private void OnChanged()
    {
        IsModified = true;
        Changed?.Invoke();
    }

    public IEnumerator<Header> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
