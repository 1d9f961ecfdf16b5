using System.Runtime.InteropServices;

namespace MailFilter.Hosting;

/// <summary>
/// SIGHUP as a daemon's "reread your settings" (systemctl reload). .NET respects a SIGHUP its parent set to ignored
/// (nohup, some process supervisors and CI runners do) and then never delivers it, so a reload would silently do
/// nothing; like sshd or nginx, the daemon takes SIGHUP back to its default before handling it.
/// </summary>
public static partial class Hangup
{
    private const int SigHup = 1;
    private static readonly nint s_default = 0;
    private static readonly nint s_ignore = 1;

    /// <summary>Runs <paramref name="reload"/> on a worker thread for every SIGHUP until the registration is disposed.</summary>
    public static PosixSignalRegistration Handle(Action reload)
    {
        ArgumentNullException.ThrowIfNull(reload);
        var previous = signal(SigHup, s_default);
        if (previous != s_ignore && previous != s_default)
        {
            // Somebody's real handler (none in our daemons): leave it as it was.
            signal(SigHup, previous);
        }

        return PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // Handled, SIGHUP does not end the process; the reload runs off the signal thread.
            context.Cancel = true;
            _ = Task.Run(reload);
        });
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint signal(int signum, nint handler);
}
