namespace MailFilter.Cli;

/// <summary>Exit codes scripts can rely on (sysexits.h values where one fits).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran and its check failed (a milter rejected, a signature did not verify, ...).</summary>
    public const int CheckFailed = 1;
    /// <summary>Bad command line (System.CommandLine's own parse errors also exit with 1 or 2).</summary>
    public const int Usage = 64;       // EX_USAGE
    /// <summary>The input file is malformed.</summary>
    public const int DataError = 65;   // EX_DATAERR
    /// <summary>An input file does not exist or cannot be read.</summary>
    public const int NoInput = 66;     // EX_NOINPUT
    /// <summary>No such address or key (mailfilter-authd answered "no-key").</summary>
    public const int NoSuchKey = 67;   // EX_NOUSER
    /// <summary>A service (milter, mailfilter-authd, database) cannot be reached.</summary>
    public const int Unavailable = 69; // EX_UNAVAILABLE
    /// <summary>An internal error in a service (mailfilter-authd answered 500).</summary>
    public const int Software = 70;    // EX_SOFTWARE
    /// <summary>An output file or key cannot be created (it exists already).</summary>
    public const int CantCreate = 73;  // EX_CANTCREAT
    /// <summary>A protocol error from a peer.</summary>
    public const int Protocol = 76;    // EX_PROTOCOL
    /// <summary>Not allowed: mailfilter-authd refused the caller's uid (SO_PEERCRED), or root is required.</summary>
    public const int NoPermission = 77; // EX_NOPERM
    /// <summary>A configuration file is missing or wrong.</summary>
    public const int Config = 78;      // EX_CONFIG
}
