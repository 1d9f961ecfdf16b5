using MailFilter.Hosting;

namespace MailFilter.AuthServer.Configuration;

/// <summary>
/// mailfilter.conf as mailfilter-authd reads it, at start and on SIGHUP (<see cref="ConfigFile"/>), turned into
/// <see cref="AuthSettings"/>, with the raw values kept so a reload can name what changed.
/// </summary>
public sealed record AuthdConfigFile(AuthSettings Settings, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>Reads <paramref name="path"/> (null: built-in defaults); null with the problems in <paramref name="errors"/>, each a sentence.</summary>
    public static AuthdConfigFile? Load(string? path, out List<string> errors)
    {
        var configuration = ConfigFile.Read(path, null, out errors);
        if (configuration is null)
        {
            return null;
        }

        var settings = AuthSettings.Load(configuration, out errors);
        return errors.Count > 0 ? null : new AuthdConfigFile(settings, ConfigFile.Values(configuration));
    }
}
