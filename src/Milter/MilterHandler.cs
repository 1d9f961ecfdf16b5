namespace MailFilter.Milter;

/// <summary>
/// The filter's side of a milter session. One instance serves every connection (keep state in
/// <see cref="MilterContext"/>); every method may be called concurrently for different connections.
/// The listener collects headers and body into <see cref="MilterContext.Message"/> by itself, so most
/// handlers only override <see cref="OnEndOfMessageAsync"/> and edit the message there.
/// Methods may run on the thread that completed the socket read (with inline socket completions, the
/// event loop): await I/O freely, but move CPU work of more than a fraction of a millisecond off it
/// (<c>await Task.Yield()</c> first, or <c>Task.Run</c>), or set <see cref="MilterOptions.OffloadEndOfMessage"/>.
/// </summary>
public abstract class MilterHandler
{
    /// <summary>What to negotiate.</summary>
    public virtual MilterFeatures Features { get; } = new();

    public virtual ValueTask<MilterResponse> OnConnectAsync(MilterContext context, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    public virtual ValueTask<MilterResponse> OnHeloAsync(MilterContext context, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    public virtual ValueTask<MilterResponse> OnMailFromAsync(MilterContext context, EnvelopeAddress sender, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    /// <summary>A recipient. Reject it (or reply 5xx/4xx) to refuse only this one. With SMFIP_RCPT_REJ,
    /// recipients Postfix already rejected arrive with <paramref name="rejectedByMta"/> set and the reply is ignored.</summary>
    public virtual ValueTask<MilterResponse> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, bool rejectedByMta, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    public virtual ValueTask<MilterResponse> OnDataAsync(MilterContext context, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    public virtual ValueTask<MilterResponse> OnUnknownCommandAsync(MilterContext context, string command, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    /// <summary>Called after each header was added to the message (with NR_HDR the answer cannot be sent at
    /// once; a final verdict is kept and given at the next step that has a reply).</summary>
    public virtual ValueTask<MilterResponse> OnHeaderAsync(MilterContext context, MessageHeader header, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    public virtual ValueTask<MilterResponse> OnEndOfHeadersAsync(MilterContext context, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    /// <summary>Called after each body chunk was spooled. Return <see cref="MilterResponse.Skip"/> to stop
    /// receiving the body (only when the body replies are negotiated).</summary>
    public virtual ValueTask<MilterResponse> OnBodyChunkAsync(MilterContext context, CancellationToken cancellationToken) => MilterResponse.ContinueTask;

    /// <summary>The whole message is there: edit <paramref name="message"/> and give the verdict. Edits
    /// are sent only with Continue or Accept.</summary>
    public abstract ValueTask<MilterResponse> OnEndOfMessageAsync(MilterContext context, MilterMessage message, CancellationToken cancellationToken);

    /// <summary>The MTA abandoned the message (ABORT, or the connection ended inside a transaction).</summary>
    public virtual void OnAbort(MilterContext context)
    {
    }

    /// <summary>The connection ended (QUIT, QUIT_NC, EOF or a protocol error). Called once per session.</summary>
    public virtual void OnClose(MilterContext context)
    {
    }
}
