using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.Crypto;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Whitelist;

/// <summary>
/// Users and whitelists (docs/whitelist.md): the admin's changes (which wake the long polls), the public login with its
/// throttle, fetching, waiting for the next change, and the RCPT-time check.
/// </summary>
public sealed class WhitelistService
{
    // Argon2id at INTERACTIVE cost takes 64 MiB per verification: a few at a time keeps a login flood from taking the memory.
    private readonly SemaphoreSlim _hashing = new(4, 4);
    private readonly Lazy<string> _dummyHash = new(() => Argon2id.HashPassword("mailfilter: no such user", Argon2idParameters.Interactive));
    private readonly UserRepository _users;
    private readonly WhitelistRepository _entries;
    private readonly LoginThrottle _throttle;
    private readonly ChangeSignal _signal = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _waiting;

    public WhitelistService(UserRepository users, WhitelistRepository entries, TimeProvider time, ILogger<WhitelistService> logger)
    {
        _users = users;
        _entries = entries;
        _time = time;
        _throttle = new LoginThrottle(time);
        _logger = logger;
    }

    /// <summary>How often a long poll re-reads the version, to see changes committed by another authd instance.</summary>
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<UserInfo>> ListUsersAsync(string? name, CancellationToken cancellationToken) =>
        [.. (await _users.ListAsync(name is null ? null : WhitelistInput.UserName(name), cancellationToken)).Select(ToInfo)];

    public async Task<UserInfo> AddUserAsync(UserAddRequest request, string actor, CancellationToken cancellationToken)
    {
        var name = WhitelistInput.UserName(request.Name);
        var password = WhitelistInput.Password(request.Password);
        var kind = WhitelistInput.Kind(request.Kind);
        var addresses = WhitelistInput.Addresses(request.Addresses);
        var row = await _users.AddAsync(name, await HashAsync(password, cancellationToken), kind, addresses, actor, cancellationToken);
        Log.UserChanged(_logger, name, "added", actor);
        _signal.Pulse();
        return ToInfo(row);
    }

    public async Task<UserInfo> SetPasswordAsync(UserPasswordRequest request, string actor, CancellationToken cancellationToken)
    {
        var name = WhitelistInput.UserName(request.Name);
        var password = WhitelistInput.Password(request.Password);
        var row = await _users.SetPasswordAsync(name, await HashAsync(password, cancellationToken), actor, cancellationToken);
        Log.UserChanged(_logger, name, "password changed", actor);
        return ToInfo(row);
    }

    public async Task<UserInfo> RemoveUserAsync(UserPasswordRequest request, string actor, CancellationToken cancellationToken)
    {
        var name = WhitelistInput.UserName(request.Name);
        var row = await _users.RemoveAsync(name, actor, cancellationToken);
        Log.UserChanged(_logger, name, "removed", actor);
        _signal.Pulse();
        return ToInfo(row);
    }

    public async Task<WhitelistResponse> GetAsync(string? user, CancellationToken cancellationToken)
    {
        var name = WhitelistInput.UserName(user, "user");
        var row = (await _users.ListAsync(name, cancellationToken)).SingleOrDefault() ?? throw UserRepository.NoUser(name);
        return await ListAsync(row.Id, row.Name, null, cancellationToken);
    }

    public async Task<WhitelistChange> AddEntriesAsync(WhitelistAddRequest request, string actor, CancellationToken cancellationToken)
    {
        var user = WhitelistInput.UserName(request.User, "user");
        var entries = WhitelistInput.Entries(request.Entries);
        var (version, added, updated) = await _entries.AddAsync(user, entries, actor, cancellationToken);
        Log.WhitelistChanged(_logger, user, version, added, updated, 0, actor);
        _signal.Pulse();
        return new WhitelistChange { User = user, Version = version, Added = added, Updated = updated };
    }

    public async Task<WhitelistChange> RemoveEntriesAsync(WhitelistRemoveRequest request, string actor, CancellationToken cancellationToken)
    {
        var user = WhitelistInput.UserName(request.User, "user");
        if (request.Targets is not { Count: > 0 } targets)
        {
            throw ApiException.BadRequest("targets: give at least one address or domain to remove");
        }

        if (targets.Count > WhitelistLimits.MaxEntriesPerRequest)
        {
            throw ApiException.BadRequest($"targets: at most {WhitelistLimits.MaxEntriesPerRequest} per request");
        }

        var normalized = targets.Select((t, i) => WhitelistInput.Target(t, $"targets[{i}]")).Distinct().ToList();
        var (version, removed) = await _entries.RemoveAsync(user, normalized, actor, cancellationToken);
        Log.WhitelistChanged(_logger, user, version, 0, 0, removed, actor);
        _signal.Pulse();
        return new WhitelistChange { User = user, Version = version, Removed = removed };
    }

    public async Task<WhitelistCheckResponse> CheckAsync(WhitelistCheckRequest request, CancellationToken cancellationToken)
    {
        var sender = WhitelistInput.Address(request.Sender, "sender");
        var recipient = WhitelistInput.Address(request.Recipient, "recipient");
        var row = await _entries.CheckAsync(sender, recipient, cancellationToken);
        return row is null ? new WhitelistCheckResponse() : new WhitelistCheckResponse { User = row.Name, Version = row.WhitelistVersion, Listed = row.Listed };
    }

    /// <summary>Learning (docs/whitelist.md §6, service role): verified mail from the contact was delivered to the recipient.</summary>
    public async Task<WhitelistLearnResponse> LearnAsync(WhitelistLearnRequest request, CancellationToken cancellationToken)
    {
        var recipient = WhitelistInput.Address(request.Recipient, "recipient");
        var contact = WhitelistInput.Address(request.Contact, "contact");
        var notes = $"learned from verified mail delivered to {recipient} on {_time.GetUtcNow():yyyy-MM-dd}";
        var (user, version, learned, reason) = await _entries.LearnAsync(recipient, contact, notes, cancellationToken);
        if (learned)
        {
            Log.WhitelistLearned(_logger, user!, contact, recipient, version);
            _signal.Pulse();
        }

        return new WhitelistLearnResponse { User = user, Version = version, Learned = learned, Reason = reason };
    }

    /// <summary>The public fetch: the whole list, or the changes since a version.</summary>
    public async Task<WhitelistResponse> FetchAsync(WhitelistLoginRequest request, string client, CancellationToken cancellationToken)
    {
        var login = await LoginAsync(request, client, cancellationToken);
        CheckSince(request.Since, login.WhitelistVersion);
        return await ListAsync(login.Id, login.Name, request.Since, cancellationToken);
    }

    /// <summary>The long poll: answers the changes since <c>since</c> as soon as there are any, or none after the timeout.</summary>
    public async Task<WhitelistResponse> WaitAsync(WhitelistLoginRequest request, string client, CancellationToken cancellationToken)
    {
        var login = await LoginAsync(request, client, cancellationToken);
        if (request.Since is not { } since)
        {
            throw ApiException.BadRequest("since is required: the version the client has");
        }

        CheckSince(since, login.WhitelistVersion);
        int seconds = request.Timeout ?? WhitelistLimits.DefaultWaitSeconds;
        if (seconds is < 1 or > WhitelistLimits.MaxWaitSeconds)
        {
            throw ApiException.BadRequest($"timeout must be 1 to {WhitelistLimits.MaxWaitSeconds} seconds");
        }

        if (Interlocked.Increment(ref _waiting) > WhitelistLimits.MaxConcurrentWaits)
        {
            Interlocked.Decrement(ref _waiting);
            throw new ApiException(503, "busy", "too many clients are waiting for changes: try again in a minute");
        }

        try
        {
            var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(seconds);
            while (true)
            {
                // Take the signal before reading, so a change committed in between still wakes this waiter.
                var next = _signal.Next;
                long version = await _entries.VersionAsync(login.Id, cancellationToken);
                if (version > since)
                {
                    return await ListAsync(login.Id, login.Name, since, cancellationToken);
                }

                var left = deadline - _time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    return new WhitelistResponse { User = login.Name, Version = version, Complete = false };
                }

                await Task.WhenAny(next, Task.Delay(left < PollInterval ? left : PollInterval, _time, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>The user's own addition or edit (public listener), logged in like a fetch.</summary>
    public async Task<WhitelistChange> UserAddAsync(WhitelistUserChangeRequest request, string client, CancellationToken cancellationToken)
    {
        var login = await LoginAsync(new WhitelistLoginRequest { Name = request.Name, Password = request.Password }, client, cancellationToken);
        return await AddEntriesAsync(new WhitelistAddRequest { User = login.Name, Entries = request.Entries }, $"user {login.Name} from {client}", cancellationToken);
    }

    /// <summary>The user's own removal (public listener).</summary>
    public async Task<WhitelistChange> UserRemoveAsync(WhitelistUserChangeRequest request, string client, CancellationToken cancellationToken)
    {
        var login = await LoginAsync(new WhitelistLoginRequest { Name = request.Name, Password = request.Password }, client, cancellationToken);
        return await RemoveEntriesAsync(new WhitelistRemoveRequest { User = login.Name, Targets = request.Targets }, $"user {login.Name} from {client}", cancellationToken);
    }

    private static void CheckSince(long? since, long current)
    {
        if (since is { } s && (s < 0 || s > current))
        {
            throw ApiException.BadRequest($"since = {s} is not a version of this list (0 to {current}): fetch the whole list");
        }
    }

    private async Task<LoginRow> LoginAsync(WhitelistLoginRequest request, string client, CancellationToken cancellationToken)
    {
        var name = WhitelistInput.TryUserName(request.Name, out var lower) ? lower : string.Empty;
        var throttleName = name.Length > 0 ? name : "-";
        if (_throttle.LockedFor(throttleName, client) is { } wait)
        {
            Log.LoginThrottled(_logger, throttleName, client, wait.TotalSeconds);
            throw new LoginFailedException(wait);
        }

        var password = request.Password ?? string.Empty;
        var row = name.Length > 0 && password.Length is > 0 and <= WhitelistLimits.MaxPasswordBytes ? await _users.FindLoginAsync(name, cancellationToken) : null;
        // An unknown name costs the same Argon2id verification as a known one.
        bool ok;
        await _hashing.WaitAsync(cancellationToken);
        try
        {
            ok = Argon2id.VerifyPassword(row?.PasswordHash ?? _dummyHash.Value, password) && row is not null;
        }
        finally
        {
            _hashing.Release();
        }

        if (!ok)
        {
            _throttle.Failed(throttleName, client);
            Log.LoginFailed(_logger, throttleName, client);
            throw new LoginFailedException((TimeSpan?)null);
        }

        _throttle.Succeeded(throttleName);
        return row!;
    }

    private async Task<WhitelistResponse> ListAsync(long id, string name, long? since, CancellationToken cancellationToken)
    {
        var (version, rows) = await _entries.ListAsync(id, since, cancellationToken);
        return new WhitelistResponse { User = name, Version = version, Complete = since is null, Entries = [.. rows.Select(ToEntry)] };
    }

    private async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        await _hashing.WaitAsync(cancellationToken);
        try
        {
            return Argon2id.HashPassword(password, Argon2idParameters.Interactive);
        }
        finally
        {
            _hashing.Release();
        }
    }

    private static WhitelistEntry ToEntry(WhitelistEntryRow r) => new()
    {
        Address = r.TargetKind == "address" ? r.Target : null,
        Domain = r.TargetKind == "domain" ? r.Target : null,
        Name = r.Name,
        Nickname = r.Nickname,
        Notes = r.Notes,
        Version = r.Version,
        Removed = r.RemovedAt is null ? null : true,
        Learned = r.Learned ? true : null,
    };

    private static UserInfo ToInfo(UserRow r) => new()
    {
        Name = r.Name,
        Kind = r.Kind,
        Addresses = r.Addresses,
        WhitelistVersion = r.WhitelistVersion,
        Entries = r.Entries,
        Created = new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)),
    };
}
