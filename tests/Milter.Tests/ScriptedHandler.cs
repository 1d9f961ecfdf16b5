using System.Collections.Concurrent;

namespace MailFilter.Milter.Tests;

/// <summary>A handler whose answers the test decides, recording what it saw.</summary>
internal sealed class ScriptedHandler : MilterHandler
{
    public MilterFeatures FeaturesValue { get; set; } = new();

    public override MilterFeatures Features => FeaturesValue;

    public Func<MilterContext, MilterResponse>? Connect { get; set; }

    public Func<MilterContext, EnvelopeAddress, MilterResponse>? Mail { get; set; }

    public Func<MilterContext, EnvelopeAddress, MilterResponse>? Recipient { get; set; }

    public Func<MilterContext, string, MilterResponse>? Unknown { get; set; }

    public Func<MilterContext, MilterResponse>? BodyChunk { get; set; }

    public Func<MilterContext, MilterMessage, Task<MilterResponse>>? EndOfMessage { get; set; }

    public ConcurrentQueue<string> Events { get; } = new();

    public int Closes;

    public int Aborts;

    public override ValueTask<MilterResponse> OnConnectAsync(MilterContext context, CancellationToken cancellationToken)
    {
        Events.Enqueue($"connect {context.Client?.Hostname} {context.Client?.Family} {context.Client?.Port} {context.Client?.Address} j={context.Macros.Get("j")}");
        return ValueTask.FromResult(Connect?.Invoke(context) ?? MilterResponse.Continue);
    }

    public override ValueTask<MilterResponse> OnHeloAsync(MilterContext context, CancellationToken cancellationToken)
    {
        Events.Enqueue($"helo {context.Helo}");
        return MilterResponse.ContinueTask;
    }

    public override ValueTask<MilterResponse> OnMailFromAsync(MilterContext context, EnvelopeAddress sender, CancellationToken cancellationToken)
    {
        Events.Enqueue($"mail {sender.Raw} [{string.Join(",", sender.Arguments)}]");
        return ValueTask.FromResult(Mail?.Invoke(context, sender) ?? MilterResponse.Continue);
    }

    public override ValueTask<MilterResponse> OnRecipientAsync(MilterContext context, EnvelopeAddress recipient, bool rejectedByMta, CancellationToken cancellationToken)
    {
        Events.Enqueue($"rcpt {recipient.Raw}");
        return ValueTask.FromResult(Recipient?.Invoke(context, recipient) ?? MilterResponse.Continue);
    }

    public override ValueTask<MilterResponse> OnUnknownCommandAsync(MilterContext context, string command, CancellationToken cancellationToken)
    {
        Events.Enqueue($"unknown {command}");
        return ValueTask.FromResult(Unknown?.Invoke(context, command) ?? MilterResponse.Continue);
    }

    public override ValueTask<MilterResponse> OnBodyChunkAsync(MilterContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(BodyChunk?.Invoke(context) ?? MilterResponse.Continue);

    public override async ValueTask<MilterResponse> OnEndOfMessageAsync(MilterContext context, MilterMessage message, CancellationToken cancellationToken)
    {
        Events.Enqueue($"eom {message.Sender.Address} rcpts={message.Recipients.Count} headers={message.Headers.Count} body={message.Body.Length} i={context.QueueId}");
        return EndOfMessage is null ? MilterResponse.Continue : await EndOfMessage(context, message);
    }

    public override void OnAbort(MilterContext context)
    {
        Interlocked.Increment(ref Aborts);
        Events.Enqueue("abort");
    }

    public override void OnClose(MilterContext context)
    {
        Interlocked.Increment(ref Closes);
        Events.Enqueue("close");
    }
}
