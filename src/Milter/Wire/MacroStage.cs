namespace MailFilter.Milter.Wire;

/// <summary>Stages a filter can request macro lists for in the OPTNEG reply (SMFIM_*).</summary>
public enum MacroStage : uint
{
    Connect = 0,         // SMFIM_CONNECT
    Helo = 1,            // SMFIM_HELO
    MailFrom = 2,        // SMFIM_ENVFROM
    Recipient = 3,       // SMFIM_ENVRCPT
    Data = 4,            // SMFIM_DATA
    EndOfMessage = 5,    // SMFIM_EOM
    EndOfHeaders = 6,    // SMFIM_EOH
}
