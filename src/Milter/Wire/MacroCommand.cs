namespace MailFilter.Milter.Wire;

/// <summary>
/// SMFIC_MACRO: <c>stage byte</c> + <c>name\0value\0...</c>. Postfix sends it before every command,
/// even suppressed ones, possibly with no pairs, and for stages libmilter does not know (L, B). The parse
/// is lenient on purpose (reference §1.5, pitfall 12): any stage byte is accepted, a name without a value
/// counts as "", and a last string without its NUL is taken as it is.
/// </summary>
public static class MacroCommand
{
    /// <summary>Appends the pairs to <paramref name="pairs"/> and returns the stage byte.</summary>
    public static byte ParseInto(ReadOnlySpan<byte> payload, List<KeyValuePair<string, string>> pairs)
    {
        if (payload.IsEmpty)
        {
            MilterProtocolException.Throw(MilterProtocolError.MalformedPayload, "macro packet without a stage byte");
        }

        byte stage = payload[0];
        var rest = payload[1..];
        string? name = null;
        while (!rest.IsEmpty)
        {
            int nul = rest.IndexOf((byte)0);
            var item = nul < 0 ? rest : rest[..nul];
            rest = nul < 0 ? default : rest[(nul + 1)..];
            string text = PayloadReader.Decode(item);
            if (name is null)
            {
                name = text;
            }
            else
            {
                if (name.Length > 0)
                {
                    pairs.Add(new(name, text));
                }

                name = null;
            }
        }

        if (!string.IsNullOrEmpty(name))
        {
            pairs.Add(new(name, string.Empty));
        }

        return stage;
    }
}
