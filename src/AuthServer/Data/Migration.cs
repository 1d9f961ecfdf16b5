namespace MailFilter.AuthServer.Data;

/// <summary>One versioned SQL migration embedded from Data/Migrations/NNNN_name.sql.</summary>
public sealed record Migration(int Version, string Name, string Sql, byte[] Checksum);
