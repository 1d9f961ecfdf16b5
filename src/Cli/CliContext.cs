namespace MailFilter.Cli;

/// <summary>What every command writes to. Injected so that commands run inside tests unchanged.</summary>
public sealed record CliContext(TextWriter Output, TextWriter Error);
