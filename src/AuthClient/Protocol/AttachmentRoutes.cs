namespace MailFilter.AuthClient.Protocol;

/// <summary>The attachment paths (docs/attachments.md §7). Unix socket unless marked public.</summary>
public static class AttachmentRoutes
{
    /// <summary>Service role: <c>HEAD|PUT /v1/attachments/{sha256}</c> (lowercase hex of the plaintext's SHA-256).</summary>
    public const string Content = "/v1/attachments";

    /// <summary>Service role: one grant per (recipient, file), answered with the links.</summary>
    public const string Grants = "/v1/attachments/grants";

    /// <summary>Admin role: grants, filtered (<c>?sender=&amp;recipient=&amp;sha256=&amp;state=&amp;limit=</c>).</summary>
    public const string AdminList = "/v1/admin/attachments";

    /// <summary>Admin role: one grant with its attachment and versions (<c>?id=</c>), or one attachment (<c>?sha256=</c>).</summary>
    public const string AdminShow = "/v1/admin/attachments/show";

    public const string AdminRevoke = "/v1/admin/attachments/revoke";

    public const string AdminExtend = "/v1/admin/attachments/extend";

    public const string AdminGc = "/v1/admin/attachments/gc";

    public const string AdminUsage = "/v1/admin/attachments/usage";

    /// <summary>Admin role: <c>PUT ?sender=&amp;of=&lt;sha256&gt;&amp;sha256=&lt;new&gt;</c>, body = the new version's bytes.</summary>
    public const string AdminPublish = "/v1/admin/attachments/publish";

    /// <summary>Public listener: <c>GET|HEAD /a/{token}/{name}</c>, and <c>POST</c> for the proof-of-mailbox form.</summary>
    public const string Download = "/a";

    /// <summary>The path of one content on the socket.</summary>
    public static string ContentPath(string sha256) => Content + "/" + sha256;
}
