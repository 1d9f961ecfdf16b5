namespace MailFilter.Cli.Commands.Operations;

/// <summary>One result of <c>mailfilterctl doctor</c>: which check, how bad, what was found and what to do.</summary>
internal sealed record Finding(string Check, Severity Severity, string Message, string? Fix = null)
{
    public static Finding Ok(string check, string message) => new(check, Severity.Ok, message);

    public static Finding Warning(string check, string message, string? fix = null) => new(check, Severity.Warning, message, fix);

    public static Finding Problem(string check, string message, string fix) => new(check, Severity.Problem, message, fix);
}

internal enum Severity
{
    Ok,
    Warning,
    Problem,
}
