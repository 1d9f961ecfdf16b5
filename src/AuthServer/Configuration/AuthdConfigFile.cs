using Microsoft.Extensions.Configuration;

namespace MailFilter.AuthServer.Configuration;

/// <summary>
/// mailfilter.conf as mailfilter-authd reads it, at start and on SIGHUP: the INI file (or the built-in defaults when
/// there is none) turned into <see cref="AuthSettings"/>, with the raw values kept so a reload can name what changed.
/// </summary>
public sealed class AuthdConfigFile
{
    private AuthdConfigFile(AuthSettings settings, IReadOnlyDictionary<string, string?> values)
    {
        Settings = settings;
        Values = values;
    }

    public AuthSettings Settings { get; }

    /// <summary>Every "section:key" of the file with its text.</summary>
    public IReadOnlyDictionary<string, string?> Values { get; }

    /// <summary>Reads <paramref name="path"/> (null: built-in defaults); null with the problems in <paramref name="errors"/>, each a sentence.</summary>
    public static AuthdConfigFile? Load(string? path, out List<string> errors)
    {
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            if (!File.Exists(path))
            {
                errors = [$"config file {path} does not exist"];
                return null;
            }

            builder.AddIniFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
        }

        IConfiguration built;
        try
        {
            built = builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            errors = [$"not an INI file: {(e.InnerException ?? e).Message} (use [section] and key = value lines)"];
            return null;
        }

        var settings = AuthSettings.Load(built, out errors);
        return errors.Count > 0
            ? null
            : new AuthdConfigFile(settings, built.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase));
    }
}
