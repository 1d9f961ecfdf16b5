using System.Globalization;
using System.Text;
using MailFilter.Cli;
using MailFilter.Lab;

namespace MailFilter.Conflicts.Tests;

/// <summary>
/// Three mail servers on loopback, each with its own PostgreSQL, mailfilter-authd, mailfilterd and Postfix: a.example
/// (alice, the genuine sender; its Postfix sends from 127.0.0.2 as mx.a.example), b.example (the recipients; learning
/// on) and a forger that also calls itself a.example and signs as alice with a key of its own (sending from 127.0.0.3 as
/// mx.forger.test). b.example finds a.example's keys by discovery; the forger is routed to b.example but nobody asks it
/// for keys. b.example's authd submits notices to its Postfix; the admin is postmaster@b.example.
/// </summary>
public sealed class ConflictLab : IAsyncLifetime
{
    public const string Alice = "alice@a.example";
    public const string GenuineHost = "127.0.0.2";
    public const string ForgerHost = "127.0.0.3";

    public MailDomain Genuine { get; private set; } = null!;

    public MailDomain Receiver { get; private set; } = null!;

    public MailDomain Forger { get; private set; } = null!;

    /// <summary>b.example's authd metrics listener ([metrics] authd_listen).</summary>
    public int ReceiverMetricsPort { get; } = FreePort.Next();

    public async Task InitializeAsync()
    {
        var genuine = MailDomain.StartAsync("a.example", [Alice], store: MailDomainStore.Maildir, logLevel: "information");
        var receiver = MailDomain.StartAsync("b.example", ["bob@b.example", "carol@b.example", "dave@b.example", "erin@b.example", "fay@b.example"],
            policy: "whitelist_learn = verified", store: MailDomainStore.Maildir);
        var forger = MailDomain.StartAsync("a.example", [Alice], policy: "encrypt = never", store: MailDomainStore.Maildir, logLevel: "information");
        Genuine = await genuine;
        Receiver = await receiver;
        Forger = await forger;
        // Discovery may ask a.example again at once: a kid its last answer did not list is looked up without waiting.
        Receiver.DiscoverySettings = "refetch_interval = 0";
        Receiver.AuthdSections = $"""
            [metrics]
            authd_listen = 127.0.0.1:{ReceiverMetricsPort.ToString(CultureInfo.InvariantCulture)}

            [conflicts]
            admin = postmaster@b.example
            """;
        await Genuine.ConnectAsync(Receiver);
        await Receiver.ConnectAsync(Genuine);
        await Forger.ConnectAsync(Receiver);
        await Genuine.Postfix.PostconfAsync("smtp_bind_address=" + GenuineHost, "smtp_helo_name=mx.a.example");
        await Forger.Postfix.PostconfAsync("smtp_bind_address=" + ForgerHost, "smtp_helo_name=mx.forger.test");
    }

    public async Task DisposeAsync()
    {
        foreach (var domain in new[] { Forger, Genuine, Receiver })
        {
            if (domain is not null)
            {
                await domain.DisposeAsync();
            }
        }
    }

    public string Diagnostics => Genuine.Diagnostics + "\n" + Forger.Diagnostics + "\n" + Receiver.Diagnostics;

    /// <summary>Forgets every observation, conflict and blacklist entry of b.example (each test starts clean).</summary>
    public Task ResetAsync() => Sql("TRUNCATE observations, observation_history, blacklist, conflicts RESTART IDENTITY CASCADE");

    /// <summary>Moves b.example's observations and history of <paramref name="recipient"/> <paramref name="hours"/> into the past.</summary>
    public async Task TimeTravelAsync(string recipient, int hours)
    {
        string interval = $"interval '{hours.ToString(CultureInfo.InvariantCulture)} hours'";
        await Sql($"UPDATE observations SET observed_at = observed_at - {interval} WHERE recipient = '{recipient}'");
        await Sql($"UPDATE observation_history SET first_seen = first_seen - {interval}, last_seen = last_seen - {interval} WHERE recipient = '{recipient}'");
    }

    public async Task Sql(string sql) =>
        (await Receiver.Postgres.PsqlAsync("mailfilter", sql)).EnsureSuccess("psql " + sql);

    /// <summary>A message from alice with its own Message-ID; returns (id, bytes).</summary>
    public static (string Id, byte[] Message) Letter(string to, string subject)
    {
        string id = $"{Guid.NewGuid():N}@a.example";
        return (id, Encoding.UTF8.GetBytes(
            $"From: {Alice}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: {DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)}\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + subject + "\r\n"));
    }

    /// <summary>Submits a letter through <paramref name="sender"/>'s Postfix as alice; returns its Message-ID.</summary>
    public async Task<string> SendAsync(MailDomain sender, string to, string subject)
    {
        var (id, message) = Letter(to, subject);
        var sent = await sender.SubmitAsync(Alice, [to], message);
        Assert.True(sent.Accepted, sent + "\n" + Diagnostics);
        return id;
    }

    /// <summary>The messages of <paramref name="address"/> at b.example carrying the Message-ID.</summary>
    public IReadOnlyList<byte[]> Delivered(string address, string id) =>
        [.. Receiver.MaildirMessages(address).Where(m => TestMessages.Contains(m, $"<{id}>"))];

    /// <summary>Waits until the message is in the mailbox; fails after <paramref name="seconds"/>.</summary>
    public async Task<byte[]> WaitForAsync(string address, string id, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (Delivered(address, id) is [var one, ..])
            {
                return one;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{id} not delivered to {address}\n{Diagnostics}");
            }

            await Receiver.Postfix.FlushAsync();
            await Task.Delay(500);
        }
    }

    /// <summary>Waits until b.example's maillog has a line with every one of <paramref name="parts"/>.</summary>
    public async Task<string> WaitForLogAsync(int seconds, params string[] parts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var line = Receiver.Postfix.Maillog.Split('\n').FirstOrDefault(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
            if (line is not null)
            {
                return line;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no maillog line with {string.Join(" + ", parts)}\n{Diagnostics}");
            }

            await Task.Delay(300);
        }
    }

    /// <summary>mailfilterctl in-process against b.example's authd.</summary>
    public async Task<(int Code, string Out, string Err)> CtlAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await CommandLine.RunAsync([.. args, "--socket", Receiver.AuthdSocket], output, error);
        return (code, output.ToString(), error.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class ConflictCollection : ICollectionFixture<ConflictLab>
{
    public const string Name = "three mail servers";
}
