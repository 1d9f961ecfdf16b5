using MailFilter.Lab;
using MailFilter.Milter;
using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Bench.Milter;

/// <summary>
/// The floor of what any milter costs Postfix: negotiates away every step it can (no CONNECT, HELO,
/// RCPT, DATA, headers, body) and accepts each message at MAIL, so Postfix opens the connection,
/// negotiates, asks once and sends nothing more. The difference between this and Postfix alone is
/// Postfix's own per-session milter cost. It runs as its own process (this program, mode <c>null-milter</c>) with
/// mailfilterd's thread-pool setting, so its CPU time is its own and comparable to mailfilterd's.
/// </summary>
internal sealed class NullMilter : MilterHandler
{
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

    /// <summary>The child process's work: listen on <paramref name="socketPath"/> until SIGTERM.</summary>
    public static async Task<int> ServeAsync(string socketPath)
    {
        await using var listener = new MilterListener(
            new MilterListenerOptions
            {
                Endpoints = [MilterEndpoint.Parse("unix:" + socketPath)],
                UnixSocketMode = (UnixFileMode)Convert.ToInt32("666", 8),
            },
            new MilterOptions(),
            new NullMilter(),
            NullLogger.Instance);
        listener.Start();
        using var stop = new CancellationTokenSource();
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }

    /// <summary>Starts the null milter as a child process listening on <paramref name="socketPath"/>.</summary>
    public static Task<DaemonProcess> StartAsync(string socketPath, string logPath)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        // Run through env(1) to give the child mailfilterd's runtime settings: thread-pool workers do not spin before
        // sleeping, socket continuations run inline (src/Filter's project file and Program.cs).
        List<string> args = ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1", self];
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            args.Add(typeof(NullMilter).Assembly.Location);
        }

        args.AddRange(["null-milter", socketPath]);
        return DaemonProcess.StartAsync("/usr/bin/env", args, "unix:" + socketPath, logPath);
    }
}
