using MailFilter.AuthServer.Configuration;
using MailFilter.Hosting;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer;

/// <summary>
/// SIGHUP (systemctl reload mailfilter-authd): reread the file authd started with and put it in force
/// (<see cref="AuthServerHost.Reload"/>). A file with any error is refused whole and the running settings stay, so a
/// typo never takes a policy away; settings only a restart applies are named in the log.
/// </summary>
public sealed class ConfigReloader(string? path, AuthdConfigFile started, AuthServerHost host, SdNotify notify)
{
    private readonly Lock _lock = new();

    /// <summary>Reloads; false when the file was refused (the errors are logged).</summary>
    public bool Reload()
    {
        lock (_lock)
        {
            string name = path ?? "built-in defaults";
            notify.Reloading($"reloading {name}");
            var next = AuthdConfigFile.Load(path, out var errors);
            if (next is null)
            {
                foreach (var error in errors)
                {
                    Log.ReloadRefused(host.Logger, name, error);
                }

                notify.Ready($"reload of {name} refused ({errors.Count} errors, see the log); running on the previous settings");
                return false;
            }

            // Restart-only settings are compared with the file authd started on: they stay as they were until a restart.
            foreach (var setting in LiveSettings.RestartOnly(started.Values, next.Values))
            {
                Log.RestartNeeded(host.Logger, setting);
            }

            host.Reload(next.Settings);
            Log.Reloaded(host.Logger, name);
            notify.Ready($"reloaded {name}");
            return true;
        }
    }
}
