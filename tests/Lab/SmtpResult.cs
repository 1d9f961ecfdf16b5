namespace MailFilter.Lab;

/// <summary>How an SMTP submission ended: the stage that gave the deciding reply, and the reply.</summary>
public sealed record SmtpResult(string Stage, int Code, string Text)
{
    public bool Accepted => Stage == "data" && Code == 250;

    /// <summary>Postfix's "queued as ID" from the final reply, or null.</summary>
    public string? QueueId
    {
        get
        {
            const string marker = "queued as ";
            int i = Text.IndexOf(marker, StringComparison.Ordinal);
            return i < 0 ? null : Text[(i + marker.Length)..].Trim().Split(' ')[0];
        }
    }

    public override string ToString() => $"{Stage}: {Code} {Text}";
}
