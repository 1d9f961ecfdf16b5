namespace MailFilter.AuthClient.Protocol;

/// <summary>The answer to <see cref="RegisterMessageRequest"/>: a confirmation number, or why the message was not registered.</summary>
public sealed record RegisterMessageResponse
{
    public required bool Registered { get; init; }

    public string? ConfirmationNo { get; init; }

    /// <summary>"not-confirmed" when the sender is not a confirmed address.</summary>
    public string? Reason { get; init; }
}
