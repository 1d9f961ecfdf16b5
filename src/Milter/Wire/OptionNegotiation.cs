using System.Buffers;
using System.Text;

namespace MailFilter.Milter.Wire;

/// <summary>SMFIC_OPTNEG and its reply: <c>u32 version, u32 actions, u32 protocol</c>, and in the reply
/// optionally repeated <c>u32 stage, "name name ..."\0</c> macro lists (SETSYMLIST).</summary>
public readonly record struct OptionNegotiation(uint Version, MilterActions Actions, MilterProtocolFlags Protocol)
{
    /// <summary>The protocol version this implementation speaks.</summary>
    public const uint CurrentVersion = 6;

    /// <summary>The oldest version a filter can still work with (libmilter refuses older).</summary>
    public const uint MinimumVersion = 2;

    public const int FixedSize =
        sizeof(uint)    // version
        + sizeof(uint)  // actions (SMFIF_*)
        + sizeof(uint); // protocol (SMFIP_*)

    public static OptionNegotiation Parse(ReadOnlySpan<byte> payload) => Parse(payload, out _);

    /// <summary>Parses a negotiation packet; <paramref name="macroLists"/> receives the symbol lists a
    /// filter's reply carries after the fixed fields (empty for the MTA's offer).</summary>
    public static OptionNegotiation Parse(ReadOnlySpan<byte> payload, out Dictionary<MacroStage, string> macroLists)
    {
        if (payload.Length < FixedSize)
        {
            MilterProtocolException.Throw(MilterProtocolError.MalformedPayload,
                $"OPTNEG payload is {payload.Length} bytes, needs {FixedSize}");
        }

        var reader = new PayloadReader(payload);
        var result = new OptionNegotiation(
            reader.ReadUInt32("version"),
            (MilterActions)reader.ReadUInt32("actions"),
            (MilterProtocolFlags)reader.ReadUInt32("protocol"));
        macroLists = new Dictionary<MacroStage, string>();
        while (!reader.End)
        {
            var stage = (MacroStage)reader.ReadUInt32("symbol list stage");
            macroLists[stage] = reader.ReadString("symbol list");
        }

        return result;
    }

    public void Write(IBufferWriter<byte> writer, IReadOnlyDictionary<MacroStage, string>? macroLists = null)
    {
        int size = FixedSize;
        if (macroLists is not null)
        {
            foreach (var (_, names) in macroLists)
            {
                size += sizeof(uint) + Encoding.ASCII.GetByteCount(names) + 1; // stage + names + NUL
            }
        }

        var span = PacketWriter.Begin(writer, (byte)MilterCommand.OptionNegotiation, size);
        PacketWriter.PutUInt32(ref span, Version);
        PacketWriter.PutUInt32(ref span, (uint)Actions);
        PacketWriter.PutUInt32(ref span, (uint)Protocol);
        if (macroLists is not null)
        {
            foreach (var (stage, names) in macroLists.OrderBy(kv => kv.Key))
            {
                PacketWriter.PutUInt32(ref span, (uint)stage);
                PacketWriter.PutCString(ref span, names);
            }
        }

        writer.Advance(PacketWriter.HeaderSize + size);
    }
}
