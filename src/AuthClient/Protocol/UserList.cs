namespace MailFilter.AuthClient.Protocol;

public sealed record UserList(IReadOnlyList<UserInfo> Users);
