namespace MailFilter.Lab;

/// <summary>How a private Postfix instance is set up.</summary>
public sealed record PostfixOptions
{
    public string Hostname { get; init; } = "mx.example.test";

    public string Domain { get; init; } = "example.test";

    /// <summary>smtpd_milters (Postfix syntax), empty for none.</summary>
    public string SmtpdMilters { get; init; } = string.Empty;

    /// <summary>non_smtpd_milters (sendmail(1) path), empty for none.</summary>
    public string NonSmtpdMilters { get; init; } = string.Empty;

    public string MilterDefaultAction { get; init; } = "tempfail";

    /// <summary>How many smtpd processes may run at once (Postfix default 100).</summary>
    public int SmtpdProcessLimit { get; init; } = 100;

    /// <summary>Where mail goes: files written by a pipe service (exact bytes, one file per recipient),
    /// or Maildirs under the instance written by virtual(8).</summary>
    public DeliveryMode Delivery { get; init; } = DeliveryMode.Files;

    /// <summary>For <see cref="DeliveryMode.Lmtp"/>: where Postfix's lmtp client delivers, as <c>inet:127.0.0.1:PORT</c> or
    /// <c>unix:/path</c> (mailfilterd's <c>[delivery] listen</c>).</summary>
    public string? LmtpDestination { get; init; }

    /// <summary>Users smtpd accepts with SMTP AUTH (PLAIN, LOGIN; Cyrus SASL with a sasldb in the instance), as
    /// (address, password); the address is the login name. None: no AUTH offered.</summary>
    public IReadOnlyList<(string Address, string Password)> SaslUsers { get; init; } = [];

    /// <summary>Extra main.cf lines (name = value), applied last.</summary>
    public IReadOnlyDictionary<string, string> MainCf { get; init; } = new Dictionary<string, string>();
}

public enum DeliveryMode
{
    Files,
    Maildir,

    /// <summary>Every address goes to <see cref="PostfixOptions.LmtpDestination"/> over LMTP (the delivery agent).</summary>
    Lmtp,
}
