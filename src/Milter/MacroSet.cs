using MailFilter.Milter.Wire;

namespace MailFilter.Milter;

/// <summary>
/// The macros (Sendmail "symbols") the MTA sent, scoped by stage like libmilter: storing a stage clears
/// the stages after it, ABORT clears the message stages, QUIT_NC clears everything. A lookup searches the
/// newest stage first. Names are stored without braces: <c>{auth_authen}</c> and <c>auth_authen</c> are the
/// same lookup; one-letter names (<c>i</c>, <c>j</c>, <c>_</c>) are used as they are.
/// </summary>
public sealed class MacroSet
{
    // Order of the scopes; UNKNOWN has its own slot that nothing else clears, because an unknown SMTP
    // command can arrive inside a transaction and must not wipe {auth_authen} or i.
    private static readonly byte[] s_order =
    [
        (byte)MilterCommand.Connect,
        (byte)MilterCommand.Helo,
        (byte)MilterCommand.Mail,
        (byte)MilterCommand.Recipient,
        (byte)MilterCommand.Data,
        (byte)MilterCommand.Header,
        (byte)MilterCommand.EndOfHeaders,
        (byte)MilterCommand.Body,
        (byte)MilterCommand.EndOfMessage,
    ];

    private const int UnknownSlot = 9;
    private const int OtherSlot = 10;
    private const int MessageStart = 2; // index of MAIL in s_order

    private readonly List<KeyValuePair<string, string>>?[] _slots = new List<KeyValuePair<string, string>>?[11];

    /// <summary>Replaces the macros of <paramref name="stage"/> and clears the later stages.</summary>
    public void Set(byte stage, List<KeyValuePair<string, string>> pairs)
    {
        int slot = SlotOf(stage);
        if (slot < s_order.Length)
        {
            for (int i = slot + 1; i < s_order.Length; i++)
            {
                _slots[i]?.Clear();
            }
        }

        var list = _slots[slot] ??= new List<KeyValuePair<string, string>>(pairs.Count);
        list.Clear();
        foreach (var (name, value) in pairs)
        {
            list.Add(new(Normalize(name), value));
        }
    }

    /// <summary>The newest value of a macro, or null.</summary>
    public string? Get(string name)
    {
        var key = Normalize(name);
        for (int slot = _slots.Length - 1; slot >= 0; slot--)
        {
            var list = _slots[slot];
            if (list is null)
            {
                continue;
            }

            for (int i = list.Count - 1; i >= 0; i--)
            {
                if (string.Equals(list[i].Key, key, StringComparison.Ordinal))
                {
                    return list[i].Value;
                }
            }
        }

        return null;
    }

    public string? this[string name] => Get(name);

    /// <summary>Every macro currently visible, newest stage winning, for diagnostics.</summary>
    public IReadOnlyDictionary<string, string> Snapshot()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var list in _slots)
        {
            if (list is null)
            {
                continue;
            }

            foreach (var (k, v) in list)
            {
                result[k] = v;
            }
        }

        return result;
    }

    /// <summary>ABORT: forget the message's macros, keep the connection's.</summary>
    public void ClearMessage()
    {
        for (int i = MessageStart; i < s_order.Length; i++)
        {
            _slots[i]?.Clear();
        }

        _slots[OtherSlot]?.Clear();
    }

    /// <summary>QUIT_NC: a new session on the same socket.</summary>
    public void ClearAll()
    {
        foreach (var list in _slots)
        {
            list?.Clear();
        }
    }

    private static int SlotOf(byte stage)
    {
        int i = Array.IndexOf(s_order, stage);
        if (i >= 0)
        {
            return i;
        }

        return stage == (byte)MilterCommand.Unknown ? UnknownSlot : OtherSlot;
    }

    private static string Normalize(string name) =>
        name.Length > 2 && name[0] == '{' && name[^1] == '}' ? name[1..^1] : name;
}
