namespace MailFilter.Hosting;

/// <summary>
/// Which program reads which section of the shared /etc/mailfilter/mailfilter.conf. Each program checks
/// every key of its own sections, skips the other program's, and reports any section nobody owns (a
/// typo in a section name must not silently drop settings).
/// </summary>
public static class ConfigSections
{
    // [policy:example.test] and [policy:alice@example.test] are sub-sections of [policy]: the first path
    // segment decides.

    public const string Mailfilterd = "mailfilterd";
    public const string Authd = "mailfilter-authd";

    private static readonly Dictionary<string, string[]> s_owners = new(StringComparer.OrdinalIgnoreCase)
    {
        ["milter"] = [Mailfilterd],
        ["filter"] = [Mailfilterd],
        ["delivery"] = [Mailfilterd],
        ["policy"] = [Mailfilterd],
        ["authd"] = [Authd],
        ["database"] = [Authd],
        ["discovery"] = [Authd],
        ["registry"] = [Authd],
        ["conflicts"] = [Authd],
        ["attachments"] = [Authd],
        ["log"] = [Mailfilterd, Authd],
        // listen is mailfilterd's, authd_listen mailfilter-authd's.
        ["metrics"] = [Mailfilterd, Authd],
    };

    /// <summary>True when <paramref name="section"/> belongs to another program only: skip it.</summary>
    public static bool IsOtherPrograms(string section, string program) =>
        s_owners.TryGetValue(section, out var owners) && !owners.Contains(program);

    /// <summary>True when some MailFilter program reads the section.</summary>
    public static bool IsKnown(string section) => s_owners.ContainsKey(section);
}
