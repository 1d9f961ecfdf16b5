namespace MailFilter.AuthServer.Whitelist;

/// <summary>The limits of docs/whitelist.md §1 and §3, checked before anything is stored.</summary>
public static class WhitelistLimits
{
    public const int MaxNameLength = 64;
    public const int MinPasswordBytes = 8;
    public const int MaxPasswordBytes = 1024;
    public const int MaxAddressesPerUser = 100;
    public const int MaxContactName = 200;
    public const int MaxNickname = 100;
    public const int MaxNotes = 2000;
    public const int MaxEntriesPerUser = 100_000;
    public const int MaxEntriesPerRequest = 10_000;

    /// <summary>The public calls' bodies are credentials and a version: a few hundred bytes.</summary>
    public const int MaxPublicBodyBytes = 4096;

    public const int DefaultWaitSeconds = 30;
    public const int MaxWaitSeconds = 60;
    public const int MaxConcurrentWaits = 1000;
}
