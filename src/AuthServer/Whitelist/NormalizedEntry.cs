namespace MailFilter.AuthServer.Whitelist;

/// <summary>A checked entry: kind "address" or "domain", the canonical target, and the optional texts.</summary>
public sealed record NormalizedEntry(string Kind, string Target, string? Name, string? Nickname, string? Notes);
