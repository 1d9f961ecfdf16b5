using MailFilter.Milter;
using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Bench.Milter;

/// <summary>
/// The floor of what any milter costs Postfix: negotiates away every step it can (no CONNECT, HELO,
/// RCPT, DATA, headers, body) and accepts each message at MAIL, so Postfix opens the connection,
/// negotiates, asks once and sends nothing more. The difference between this and Postfix alone is
/// Postfix's own per-session milter cost.
/// </summary>
internal sealed class NullMilter : MilterHandler, IAsyncDisposable
{
    private readonly MilterListener _listener;

    public NullMilter(string socketPath)
    {
        _listener = new MilterListener(
            new MilterListenerOptions
            {
                Endpoints = [MilterEndpoint.Parse("unix:" + socketPath)],
                UnixSocketMode = (UnixFileMode)Convert.ToInt32("666", 8),
            },
            new MilterOptions(),
            this,
            NullLogger.Instance);
        _listener.Start();
        Spec = "unix:" + socketPath;
    }

    public string Spec { get; }

    public override MilterFeatures Features { get; } = new()
    {
        Actions = MilterActions.None,
        Protocol = MilterProtocolFlags.NoConnect | MilterProtocolFlags.NoHelo | MilterProtocolFlags.NoRecipient
            | MilterProtocolFlags.NoData | MilterProtocolFlags.NoHeaders | MilterProtocolFlags.NoEndOfHeaders
            | MilterProtocolFlags.NoBody | MilterProtocolFlags.NoUnknown,
    };

    public override ValueTask<MilterResponse> OnMailFromAsync(MilterContext context, EnvelopeAddress sender, CancellationToken cancellationToken) =>
        ValueTask.FromResult(MilterResponse.Accept);

    public override ValueTask<MilterResponse> OnEndOfMessageAsync(MilterContext context, MilterMessage message, CancellationToken cancellationToken) =>
        MilterResponse.ContinueTask;

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
