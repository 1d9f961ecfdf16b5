namespace MailFilter.Milter.Wire;

/// <summary>Commands the MTA sends (SMFIC_*, libmilter mfdef.h).</summary>
public enum MilterCommand : byte
{
    Abort = (byte)'A',          // SMFIC_ABORT
    Body = (byte)'B',           // SMFIC_BODY
    Connect = (byte)'C',        // SMFIC_CONNECT
    Macro = (byte)'D',          // SMFIC_MACRO
    EndOfMessage = (byte)'E',   // SMFIC_BODYEOB
    Helo = (byte)'H',           // SMFIC_HELO
    QuitNewConnection = (byte)'K', // SMFIC_QUIT_NC
    Header = (byte)'L',         // SMFIC_HEADER
    Mail = (byte)'M',           // SMFIC_MAIL
    EndOfHeaders = (byte)'N',   // SMFIC_EOH
    OptionNegotiation = (byte)'O', // SMFIC_OPTNEG
    Quit = (byte)'Q',           // SMFIC_QUIT
    Recipient = (byte)'R',      // SMFIC_RCPT
    Data = (byte)'T',           // SMFIC_DATA
    Unknown = (byte)'U',        // SMFIC_UNKNOWN
}
