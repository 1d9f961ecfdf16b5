namespace MailFilter.Filter.Delivery.Lmtp;

/// <summary>What <see cref="LmtpDataReader.Read"/> found.</summary>
public enum LmtpDataStatus
{
    /// <summary>The message goes on; everything that could be decided was consumed.</summary>
    NeedMore,

    /// <summary>The end-of-data line "." was read and consumed.</summary>
    Complete,
}
