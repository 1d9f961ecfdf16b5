namespace MailFilter.Milter.Wire;

/// <summary>Replies and end-of-message actions the filter sends (SMFIR_*, libmilter mfdef.h).</summary>
public enum MilterReplyCode : byte
{
    AddRecipient = (byte)'+',          // SMFIR_ADDRCPT
    DeleteRecipient = (byte)'-',       // SMFIR_DELRCPT
    AddRecipientWithArgs = (byte)'2',  // SMFIR_ADDRCPT_PAR
    Shutdown = (byte)'4',              // SMFIR_SHUTDOWN
    Accept = (byte)'a',                // SMFIR_ACCEPT
    ReplaceBody = (byte)'b',           // SMFIR_REPLBODY
    Continue = (byte)'c',              // SMFIR_CONTINUE
    Discard = (byte)'d',               // SMFIR_DISCARD
    ChangeFrom = (byte)'e',            // SMFIR_CHGFROM
    ConnectionFail = (byte)'f',        // SMFIR_CONN_FAIL (Postfix does not implement it)
    AddHeader = (byte)'h',             // SMFIR_ADDHEADER
    InsertHeader = (byte)'i',          // SMFIR_INSHEADER
    SetSymbolList = (byte)'l',         // SMFIR_SETSYMLIST (travels inside the OPTNEG reply in practice)
    ChangeHeader = (byte)'m',          // SMFIR_CHGHEADER
    Progress = (byte)'p',              // SMFIR_PROGRESS
    Quarantine = (byte)'q',            // SMFIR_QUARANTINE
    Reject = (byte)'r',                // SMFIR_REJECT
    Skip = (byte)'s',                  // SMFIR_SKIP
    Tempfail = (byte)'t',              // SMFIR_TEMPFAIL
    ReplyCode = (byte)'y',             // SMFIR_REPLYCODE
    OptionNegotiation = (byte)'O',     // SMFIC_OPTNEG echoed as the negotiation reply
}
