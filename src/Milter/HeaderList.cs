using System.Collections;

namespace MailFilter.Milter;

/// <summary>
/// The message's header fields in order, as the pipeline stages see and edit them. Edits are recorded
/// against the headers the MTA sent; at end of message <see cref="MilterEditPlanner"/> turns the
/// difference into CHGHEADER / INSHEADER / ADDHEADER actions with the indexes Postfix applies.
/// Names compare case-insensitively (RFC 5322 §1.2.2).
/// </summary>
public sealed class HeaderList : IReadOnlyList<MessageHeader>
{
    private readonly List<MessageHeader> _headers = [];
    private readonly List<MessageHeader> _original = [];
    private long _totalBytes;

    public int Count => _headers.Count;

    public MessageHeader this[int index] => _headers[index];

    /// <summary>The headers as the MTA sent them, in order, with their original bytes.</summary>
    public IReadOnlyList<MessageHeader> Original => _original;

    /// <summary>Bytes of all headers received from the MTA (names + values), for limits.</summary>
    public long ReceivedBytes => _totalBytes;

    /// <summary>First value of <paramref name="name"/>, unfolded, or null.</summary>
    public string? GetValue(string name) => Find(name, 1) is { } h ? h.Value : null;

    public IEnumerable<MessageHeader> GetAll(string name) =>
        _headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

    public bool Contains(string name) => Find(name, 1) is not null;

    /// <summary>Position of the <paramref name="occurrence"/>-th (1-based) header of that name, or -1.</summary>
    public int IndexOf(string name, int occurrence = 1)
    {
        for (int i = 0; i < _headers.Count; i++)
        {
            if (string.Equals(_headers[i].Name, name, StringComparison.OrdinalIgnoreCase) && --occurrence == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Appends a header after the last one.</summary>
    public MessageHeader Add(string name, string value)
    {
        var header = MessageHeader.Create(name, value);
        _headers.Add(header);
        return header;
    }

    /// <summary>Inserts a header so that it ends up at <paramref name="position"/> (0 = the top of the
    /// headers the MTA showed, just below its own Received).</summary>
    public MessageHeader Insert(int position, string name, string value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, _headers.Count);
        var header = MessageHeader.Create(name, value);
        _headers.Insert(position, header);
        return header;
    }

    /// <summary>Changes the value of the <paramref name="occurrence"/>-th header of that name; appends a
    /// new header when there is no such occurrence (as Postfix does for CHGHEADER).</summary>
    public void Set(string name, string value, int occurrence = 1)
    {
        int i = IndexOf(name, occurrence);
        if (i < 0)
        {
            Add(name, value);
            return;
        }

        _headers[i].RawValue = MessageHeader.EncodeValue(value);
    }

    /// <summary>Changes the value of the header at <paramref name="position"/>.</summary>
    public void SetAt(int position, string value) => _headers[position].RawValue = MessageHeader.EncodeValue(value);

    /// <summary>Removes the <paramref name="occurrence"/>-th header of that name; false if there is none.</summary>
    public bool Remove(string name, int occurrence)
    {
        int i = IndexOf(name, occurrence);
        if (i < 0)
        {
            return false;
        }

        _headers.RemoveAt(i);
        return true;
    }

    /// <summary>Removes every header of that name; returns how many.</summary>
    public int RemoveAll(string name) =>
        _headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

    public void RemoveAt(int position) => _headers.RemoveAt(position);

    /// <summary>Writes all headers in message form (without the blank separator line).</summary>
    public void WriteTo(Stream stream)
    {
        foreach (var h in _headers)
        {
            h.WriteTo(stream);
        }
    }

    public IEnumerator<MessageHeader> GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Records a header the MTA sent (message form value).</summary>
    internal void AddOriginal(string name, byte[] rawValue)
    {
        var header = new MessageHeader(name, rawValue, _original.Count);
        _original.Add(header);
        _headers.Add(header);
        _totalBytes += name.Length + rawValue.Length;
    }

    private MessageHeader? Find(string name, int occurrence)
    {
        int i = IndexOf(name, occurrence);
        return i < 0 ? null : _headers[i];
    }
}
