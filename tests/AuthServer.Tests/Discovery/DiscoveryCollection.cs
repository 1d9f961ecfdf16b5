using MailFilter.AuthServer.Tests.Support;

namespace MailFilter.AuthServer.Tests.Discovery;

/// <summary>The discovery test classes share one <see cref="DiscoveryFixture"/> (one PostgreSQL, three authd) and run one after the other.</summary>
[CollectionDefinition(Name)]
public sealed class DiscoveryCollection : ICollectionFixture<DiscoveryFixture>
{
    public const string Name = "discovery";
}
