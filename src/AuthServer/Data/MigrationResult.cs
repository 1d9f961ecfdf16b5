namespace MailFilter.AuthServer.Data;

/// <summary>What <see cref="MigrationRunner.MigrateAsync"/> found and did.</summary>
public sealed record MigrationResult(int VersionBefore, int VersionAfter, IReadOnlyList<Migration> Applied);
