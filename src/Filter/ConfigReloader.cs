using MailFilter.Filter.Configuration;
using MailFilter.Hosting;
using Microsoft.Extensions.Logging;

namespace MailFilter.Filter;

/// <summary>
/// SIGHUP (systemctl reload): reread the file mailfilterd started with and hand the new settings to
/// <see cref="FilterDaemon.Reload"/>. A file with any error is refused whole and the running settings stay,
/// so a typo never takes the policy away. Settings only a restart applies are named in the log.
/// </summary>
public sealed class ConfigReloader
{
    private readonly string? _path;
    private readonly IReadOnlyList<string> _milterOverrides;
    private readonly FilterConfigFile _started;
    private readonly FilterDaemon _daemon;
    private readonly SdNotify _notify;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();

    public ConfigReloader(string? path, IReadOnlyList<string> milterOverrides, FilterConfigFile started, FilterDaemon daemon, SdNotify notify, ILogger logger)
    {
        _path = path;
        _milterOverrides = milterOverrides;
        _started = started;
        _daemon = daemon;
        _notify = notify;
        _logger = logger;
    }

    /// <summary>Reloads; false when the file was refused (the errors are logged).</summary>
    public bool Reload()
    {
        lock (_lock)
        {
            string name = _path ?? "built-in defaults";
            _notify.Reloading($"reloading {name}");
            var next = FilterConfigFile.Load(_path, _milterOverrides, out var errors);
            if (next is null)
            {
                foreach (var error in errors)
                {
                    Log.ReloadRefused(_logger, name, error);
                }

                _notify.Ready($"reload of {name} refused ({errors.Count} errors, see the log); running on the previous settings");
                return false;
            }

            foreach (var setting in next.RestartOnlyChanges(_started))
            {
                Log.RestartNeeded(_logger, setting);
            }

            _daemon.Reload(next.Settings);
            Log.Reloaded(_logger, name, string.Join(",", _daemon.Pipeline.Stages.Select(s => s.Name)));
            _notify.Ready($"reloaded {name}");
            return true;
        }
    }
}
