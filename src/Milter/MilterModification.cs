using System.Text;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter;

/// <summary>
/// One end-of-message action (SMFIR_ADDHEADER, INSHEADER, CHGHEADER, REPLBODY, ADDRCPT, ADDRCPT_PAR,
/// DELRCPT, CHGFROM, QUARANTINE). Header values here are in message form (bytes after the colon, folds
/// as CRLF); the wire form is derived when writing.
/// </summary>
public sealed record MilterModification
{
    public required MilterReplyCode Code { get; init; }

    /// <summary>INSHEADER index (Sendmail 0-based, Postfix adds 1) or CHGHEADER occurrence (1-based).</summary>
    public uint Index { get; init; }

    public string? Name { get; init; }

    public byte[]? Value { get; init; }

    /// <summary>Recipient or sender address (ADDRCPT, ADDRCPT_PAR, DELRCPT, CHGFROM); raw bytes for DELRCPT.</summary>
    public byte[]? Address { get; init; }

    /// <summary>ESMTP arguments for ADDRCPT_PAR and CHGFROM, or the quarantine reason.</summary>
    public string? Arguments { get; init; }

    /// <summary>REPLBODY content (client side: one packet's bytes).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    public string ValueText => Value is null ? string.Empty : PayloadReader.Decode(Value);

    public string AddressText => Address is null ? string.Empty : PayloadReader.Decode(Address);

    public static MilterModification AddHeader(string name, byte[] value) =>
        new() { Code = MilterReplyCode.AddHeader, Name = name, Value = value };

    public static MilterModification InsertHeader(uint index, string name, byte[] value) =>
        new() { Code = MilterReplyCode.InsertHeader, Index = index, Name = name, Value = value };

    public static MilterModification ChangeHeader(uint occurrence, string name, byte[] value) =>
        new() { Code = MilterReplyCode.ChangeHeader, Index = occurrence, Name = name, Value = value };

    public static MilterModification DeleteHeader(uint occurrence, string name) =>
        new() { Code = MilterReplyCode.ChangeHeader, Index = occurrence, Name = name, Value = [] };

    public override string ToString() => Code switch
    {
        MilterReplyCode.AddHeader => $"add header {Name}:{ValueText}",
        MilterReplyCode.InsertHeader => $"insert header at {Index}: {Name}:{ValueText}",
        MilterReplyCode.ChangeHeader when Value is { Length: 0 } => $"delete header {Name} #{Index}",
        MilterReplyCode.ChangeHeader => $"change header {Name} #{Index} to:{ValueText}",
        MilterReplyCode.ReplaceBody => $"replace body ({Body.Length} bytes)",
        MilterReplyCode.AddRecipient => $"add recipient {AddressText}",
        MilterReplyCode.AddRecipientWithArgs => $"add recipient {AddressText} {Arguments}",
        MilterReplyCode.DeleteRecipient => $"delete recipient {AddressText}",
        MilterReplyCode.ChangeFrom => $"change sender to {AddressText} {Arguments}".TrimEnd(),
        MilterReplyCode.Quarantine => $"quarantine ({Arguments})",
        _ => Code.ToString(),
    };

    internal static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
