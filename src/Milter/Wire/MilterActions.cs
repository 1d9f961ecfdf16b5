namespace MailFilter.Milter.Wire;

/// <summary>Modification rights negotiated in OPTNEG (SMFIF_*).</summary>
[Flags]
public enum MilterActions : uint
{
    None = 0,
    AddHeaders = 0x001,         // SMFIF_ADDHDRS: 'h', 'i'
    ChangeBody = 0x002,         // SMFIF_CHGBODY: 'b'
    AddRecipients = 0x004,      // SMFIF_ADDRCPT: '+'
    DeleteRecipients = 0x008,   // SMFIF_DELRCPT: '-'
    ChangeHeaders = 0x010,      // SMFIF_CHGHDRS: 'm'
    Quarantine = 0x020,         // SMFIF_QUARANTINE: 'q'
    ChangeFrom = 0x040,         // SMFIF_CHGFROM: 'e'
    AddRecipientsWithArgs = 0x080, // SMFIF_ADDRCPT_PAR: '2'
    SetSymbolList = 0x100,      // SMFIF_SETSYMLIST: symbol lists in the OPTNEG reply

    /// <summary>SMFI_V1_ACTS: what an offer of 0 means.</summary>
    Version1Mask = 0x0F,
    /// <summary>SMFI_V2_ACTS.</summary>
    Version2Mask = 0x3F,
    /// <summary>SMFI_CURR_ACTS: everything protocol version 6 knows.</summary>
    CurrentMask = 0x1FF,
}
