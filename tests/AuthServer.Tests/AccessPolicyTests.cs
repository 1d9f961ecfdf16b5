using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Configuration;

namespace MailFilter.AuthServer.Tests;

public sealed class AccessPolicyTests
{
    private static readonly AccessPolicy s_policy = new(new AccessSettings
    {
        ServiceUids = new HashSet<int> { 1001 },
        ServiceGids = new HashSet<int> { 130 },
        AdminUids = new HashSet<int> { 0, 1002 },
        AdminGids = new HashSet<int> { 140 },
    }, ownUid: 120);

    [Theory]
    [InlineData(0, 0, new int[0], PeerRole.Root)]
    [InlineData(1002, 100, new int[0], PeerRole.Admin)]
    [InlineData(5000, 100, new[] { 140 }, PeerRole.Admin)]
    [InlineData(1001, 100, new int[0], PeerRole.Service)]
    [InlineData(5000, 130, new int[0], PeerRole.Service)]
    [InlineData(5000, 100, new[] { 7, 130 }, PeerRole.Service)]
    [InlineData(120, 120, new int[0], PeerRole.Service)]
    [InlineData(65534, 65534, new int[0], PeerRole.None)]
    public void PeersGetTheRoleTheirUidAndGroupsGrant(int uid, int gid, int[] groups, PeerRole role) =>
        Assert.Equal(role, s_policy.RoleOf(new PeerCredentials(1, uid, gid, new HashSet<int>(groups))));
}
