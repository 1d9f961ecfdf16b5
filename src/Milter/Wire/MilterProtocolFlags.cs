namespace MailFilter.Milter.Wire;

/// <summary>Protocol steps negotiated in OPTNEG (SMFIP_*): "No" bits ask the MTA not to send a step,
/// "NoReply" bits promise that the filter will not answer it.</summary>
[Flags]
public enum MilterProtocolFlags : uint
{
    None = 0,
    NoConnect = 0x000001,       // SMFIP_NOCONNECT
    NoHelo = 0x000002,          // SMFIP_NOHELO
    NoMail = 0x000004,          // SMFIP_NOMAIL
    NoRecipient = 0x000008,     // SMFIP_NORCPT
    NoBody = 0x000010,          // SMFIP_NOBODY
    NoHeaders = 0x000020,       // SMFIP_NOHDRS
    NoEndOfHeaders = 0x000040,  // SMFIP_NOEOH
    NoReplyHeader = 0x000080,   // SMFIP_NR_HDR (alias SMFIP_NOHREPL)
    NoUnknown = 0x000100,       // SMFIP_NOUNKNOWN
    NoData = 0x000200,          // SMFIP_NODATA
    Skip = 0x000400,            // SMFIP_SKIP: the MTA understands SMFIR_SKIP
    RejectedRecipients = 0x000800, // SMFIP_RCPT_REJ: also send rejected recipients
    NoReplyConnect = 0x001000,  // SMFIP_NR_CONN
    NoReplyHelo = 0x002000,     // SMFIP_NR_HELO
    NoReplyMail = 0x004000,     // SMFIP_NR_MAIL
    NoReplyRecipient = 0x008000, // SMFIP_NR_RCPT
    NoReplyData = 0x010000,     // SMFIP_NR_DATA
    NoReplyUnknown = 0x020000,  // SMFIP_NR_UNKN
    NoReplyEndOfHeaders = 0x040000, // SMFIP_NR_EOH
    NoReplyBody = 0x080000,     // SMFIP_NR_BODY
    HeaderLeadingSpace = 0x100000, // SMFIP_HDR_LEADSPC: header values are sent and taken exactly
    MaxDataSize256K = 0x10000000, // SMFIP_MDS_256K (Postfix never offers it)
    MaxDataSize1M = 0x20000000,   // SMFIP_MDS_1M (Postfix never offers it)

    /// <summary>SMFI_V1_PROT: what an offer of 0 means.</summary>
    Version1Mask = 0x3F,
    /// <summary>SMFI_V2_PROT.</summary>
    Version2Mask = 0x7F,
    /// <summary>SMFI_CURR_PROT: every step flag of protocol version 6.</summary>
    CurrentMask = 0x1FFFFF,
}
