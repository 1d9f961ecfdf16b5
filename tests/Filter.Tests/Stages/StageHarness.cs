using System.Text;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signing;
using MailFilter.Filter.Configuration;
using MailFilter.Filter.Milter;
using MailFilter.Filter.Milter.Stages;
using MailFilter.Messages;
using MailFilter.Milter;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MailFilter.Filter.Tests.Stages;

/// <summary>
/// Runs the outbound stages (classify, intent, links when <see cref="Store"/> is set, sign, encrypt, reinject, trace)
/// in a real milter listener, driven by the MTA-side client, with keys in memory and a re-injector that records the copies.
/// <see cref="RunAsync"/> answers the verdict and the message as Postfix would store it.
/// </summary>
public sealed class StageHarness : IAsyncDisposable, IOutboundKeys, IReinjector
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stages-").FullName;
    private readonly Dictionary<string, X25519PrivateKey> _encryption = new(StringComparer.OrdinalIgnoreCase);

    public StageHarness(PolicySettings? policy = null)
    {
        Policy = policy ?? new PolicySettings { LocalDomains = new HashSet<string>(["example.test"], StringComparer.OrdinalIgnoreCase) };
        foreach (var r in new[] { "bob@example.test", "carol@example.test", "dave@example.test" })
        {
            _encryption[r] = X25519PrivateKey.Generate();
        }
    }

    public PolicySettings Policy { get; }

    public Ed25519PrivateKey Alice { get; } = Ed25519PrivateKey.Generate();

    public ReinjectionGuard Guard { get; } = new();

    public List<(string Sender, string Recipient, byte[] Message)> Reinjected { get; } = [];

    public Exception? ReinjectFailure { get; set; }

    public List<string> Log { get; } = [];

    /// <summary>The attachment store of the links stage; null leaves the stage out.</summary>
    public IAttachmentStore? Store { get; set; }

    /// <summary>The boundaries the links stage makes (default: fixed and numbered, so outputs are reproducible).</summary>
    public Func<string>? Boundary { get; set; }

    /// <summary>False leaves the trace stage out (its header names the build's version).</summary>
    public bool Trace { get; set; } = true;

    public FilterMetrics Metrics { get; } = new();

    /// <summary>The milter listener's options (PROGRESS interval, limits).</summary>
    public MilterOptions Options { get; set; } = new();

    /// <summary>PROGRESS packets the MTA side received during the last <see cref="RunAsync"/>.</summary>
    public int ProgressCount { get; private set; }

    public bool AuthdDown { get; set; }

    public X25519PrivateKey KeyOf(string address) => _encryption[address];

    /// <summary>How many signers handed out next refuse their first signature with "key-rotated".</summary>
    public int RotatedSigners { get; set; }

    /// <summary>Signers answer on a thread of their own, as authd's replies complete on .NET's socket thread; each call
    /// records whether it was made on a thread-pool thread (<see cref="SignCallsOnPool"/>).</summary>
    public bool SignOnOwnThread { get; set; }

    public List<bool> SignCallsOnPool { get; } = [];

    public Task<IMessageSigner> GetSignerAsync(string sender, CancellationToken cancellationToken)
    {
        if (AuthdDown)
        {
            throw new AuthClient.AuthdUnavailableException("unreachable", "down");
        }

        IMessageSigner signer = new LocalMessageSigner(Alice);
        if (SignOnOwnThread)
        {
            signer = new OwnThreadSigner(signer, SignCallsOnPool);
        }

        if (RotatedSigners > 0)
        {
            RotatedSigners--;
            signer = new RotatedSigner(signer);
        }

        return Task.FromResult(signer);
    }

    public Task<X25519PublicKey?> FindEncryptionKeyAsync(string recipient, CancellationToken cancellationToken) =>
        AuthdDown ? throw new AuthClient.AuthdUnavailableException("unreachable", "down")
        : Task.FromResult(_encryption.TryGetValue(recipient, out var k) ? k.PublicKey : null);

    public List<string> Forgotten { get; } = [];

    public void Forget(string address) => Forgotten.Add(address);

    public async Task<string?> SubmitAsync(string sender, string recipient, Stream message, CancellationToken cancellationToken)
    {
        if (ReinjectFailure is { } e)
        {
            throw e;
        }

        var ms = new MemoryStream();
        await message.CopyToAsync(ms, cancellationToken);
        Reinjected.Add((sender, recipient, ms.ToArray()));
        return "COPY" + Reinjected.Count;
    }

    public sealed record Outcome(MilterCheckResult Check, byte[]? Message, IReadOnlyList<string> Recipients)
    {
        public string Text => Message is null ? string.Empty : Encoding.UTF8.GetString(Message);

        public string Verdict => Check.Verdict.ToString();
    }

    /// <summary>Sends one message; <paramref name="macros"/> at MAIL (auth_authen, client_addr).</summary>
    public async Task<Outcome> RunAsync(string message, IReadOnlyList<string> recipients, string sender = "<alice@example.test>",
        Dictionary<string, string>? macros = null)
    {
        macros ??= new Dictionary<string, string> { ["auth_authen"] = "alice@example.test", ["client_addr"] = "192.0.2.7" };
        var logger = new ListLogger(Log);
        var stages = new List<IOutboundStage>
        {
            new ClassifyStage(Policy, Guard, logger),
            new IntentStage(Policy, "mx.example.test"),
            new SignStage(this),
            new EncryptStage(this, new SpoolOptions(64 * 1024, _dir)),
            new ReinjectStage(this, Guard, logger),
        };
        if (Trace)
        {
            stages.Add(new TraceStage("mx.example.test"));
        }

        if (Store is not null)
        {
            int n = 0;
            stages.Insert(2, new LinksStage(Store, this, new SpoolOptions(64 * 1024, _dir), logger, Metrics,
                Boundary ?? (() => "=_mf_links_" + (++n).ToString(System.Globalization.CultureInfo.InvariantCulture) + "_")));
        }
        var pipeline = new OutboundPipeline(stages, new LoggerFactory([logger]).CreateLogger<OutboundPipeline>());
        await using var listener = new MilterListener(new MilterListenerOptions { Endpoints = [MilterEndpoint.Parse("unix:" + Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8] + ".sock"))] },
            Options, pipeline, NullLogger.Instance);
        listener.Start();
        await using var client = await MilterClient.ConnectAsync(listener.BoundEndpoints[0]);
        await client.NegotiateAsync();
        var raw = RawMessage.Parse(Encoding.UTF8.GetBytes(message));
        var check = await client.SendMessageAsync(new MilterTransaction
        {
            Sender = sender,
            Recipients = [.. recipients.Select(r => "<" + r + ">")],
            Message = raw,
            Macros = new Dictionary<MilterCommand, IReadOnlyDictionary<string, string>>
            {
                [MilterCommand.Mail] = macros,
                [MilterCommand.EndOfMessage] = new Dictionary<string, string> { ["i"] = "QID1" },
            },
        });
        ProgressCount = client.ProgressCount;
        if (check.EndOfMessage is not { } eom || check.Verdict.Code is not (MilterReplyCode.Continue or MilterReplyCode.Accept))
        {
            return new Outcome(check, null, recipients);
        }

        var applied = MilterModificationApplier.Apply(raw, eom.Modifications, client.Negotiated.Protocol.HasFlag(MilterProtocolFlags.HeaderLeadingSpace));
        var left = recipients.Where(r => !applied.DeletedRecipients.Any(d => d.Trim('<', '>').Equals(r, StringComparison.OrdinalIgnoreCase))).ToList();
        return new Outcome(check, applied.Message.ToBytes(), left);
    }

    public async ValueTask DisposeAsync()
    {
        Alice.Dispose();
        foreach (var k in _encryption.Values)
        {
            k.Dispose();
        }

        await Task.Yield();
        Directory.Delete(_dir, true);
    }

    private sealed class OwnThreadSigner(IMessageSigner inner, List<bool> callsOnPool) : IMessageSigner
    {
        public Ed25519PublicKey PublicKey => inner.PublicKey;

        public async ValueTask<byte[]> SignAsync(SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken)
        {
            lock (callsOnPool)
            {
                callsOnPool.Add(Thread.CurrentThread.IsThreadPoolThread);
            }

            return await Lab.SocketThread.Reply(await inner.SignAsync(purpose, toBeSigned, cancellationToken));
        }
    }

    private sealed class RotatedSigner(IMessageSigner inner) : IMessageSigner
    {
        public Ed25519PublicKey PublicKey => inner.PublicKey;

        public ValueTask<byte[]> SignAsync(SignaturePurpose purpose, ReadOnlyMemory<byte> toBeSigned, CancellationToken cancellationToken) =>
            throw new AuthClient.AuthdRequestException("key-rotated", "not the current key", 409);
    }

    private sealed class ListLogger(List<string> lines) : ILogger, ILoggerProvider
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }
    }
}
