using System.Security.Cryptography;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Endpoints;
using MailFilter.AuthServer.Keys;
using Microsoft.Extensions.Logging;

namespace MailFilter.AuthServer.Registry;

/// <summary>
/// Address registration (docs/registry.md §6): submit → confirmation mail (code and link) → confirm → success mail;
/// display information; reminders with a manage link (update, unbind); unbind. Tokens are single use, stored as
/// hashes, and expire; mails to one address are limited to one per <c>resend_interval</c>.
/// </summary>
public sealed class AddressRegistrationService
{
    public const string InvalidLink = "this link is no longer valid (used, expired or unknown): ask for a new one";
    private const int MaxCodeFailures = 5;

    private readonly AddressRegistrationRepository _repository;
    private readonly LiveSettings _live;
    private readonly string _host;
    private readonly ILogger _logger;

    public AddressRegistrationService(AddressRegistrationRepository repository, LiveSettings settings, ILogger logger)
    {
        _repository = repository;
        _live = settings;
        _host = System.Net.Dns.GetHostName();
        _logger = logger;
    }

    // Read where used, so a reload (SIGHUP) applies to the next request.
    private RegistrySettings Settings => _live.Current.Registry;

    private IReadOnlySet<string> LocalDomains => _live.Current.LocalDomains;

    private string MailFrom => Settings.MailFrom ?? "mailfilter-registry@" + (LocalDomains.Order(StringComparer.Ordinal).FirstOrDefault() ?? "localhost");

    private SmtpSubmitter Smtp => new(Settings.SmtpHost, Settings.SmtpPort, _host, TimeSpan.FromSeconds(30));

    public async Task<AddressRecord?> GetAsync(string address, CancellationToken cancellationToken) =>
        await _repository.GetAsync(KeyService.Canonical(address), cancellationToken) is { } row ? ToRecord(row) : null;

    public async Task<IReadOnlyList<AddressRecord>> ListAsync(string? domain, string? state, CancellationToken cancellationToken)
    {
        if (state is not (null or "pending" or "confirmed" or "unbound"))
        {
            throw ApiException.BadRequest($"state must be pending, confirmed or unbound, not \"{state}\"");
        }

        return [.. (await _repository.ListAsync(domain?.ToLowerInvariant(), state, cancellationToken)).Select(r => ToRecord(r))];
    }

    /// <summary>Submits an address (admin or its owner on the page): pending, a confirmation mail unless one went out less than resend_interval ago.</summary>
    public async Task<AddressRecord> SubmitAsync(string? addressText, string? company, string? name, string actor, CancellationToken cancellationToken)
    {
        var address = RegistryQueryParser.Address("address", addressText);
        company = RegistryQueryParser.Display("company", company);
        name = RegistryQueryParser.Display("name", name);
        var domain = RequireLocal(address);
        string? code = null, token = null;
        var (row, sent) = await _repository.WithLockedAddressAsync(address, domain, async (connection, transaction, row) =>
        {
            var now = Database.Now();
            if (row.RegistrationState == "confirmed")
            {
                return (row, false);
            }

            bool mayMail = row.LastMailAt is not { } last || now - DateTime.SpecifyKind(last, DateTimeKind.Utc) >= Settings.ResendInterval;
            var updated = row with { RegistrationState = "pending", DisplayCompany = company, DisplayName = name, RequestedAt = now, UnboundAt = null };
            if (mayMail)
            {
                code = RegistrationTokens.NewCode();
                var (t, hash) = RegistrationTokens.NewToken();
                token = t;
                updated = updated with { LastMailAt = now, CodeHash = RegistrationTokens.HashCode(address, code), CodeExpiresAt = now + Settings.TokenTtl, CodeFailures = 0 };
                await AddressRegistrationRepository.VoidTokensAsync(connection, transaction, row.Id, now, cancellationToken);
                await AddressRegistrationRepository.InsertTokenAsync(connection, transaction, row.Id, "confirm", hash, now + Settings.TokenTtl, cancellationToken);
            }

            await AddressRegistrationRepository.UpdateAsync(connection, transaction, updated, cancellationToken);
            await AuditLog.WriteAsync(connection, transaction, actor, "address.register", address, null, mayMail ? "confirmation mailed" : "resend limit: nothing mailed", cancellationToken);
            return (updated, mayMail);
        }, cancellationToken);

        if (sent)
        {
            await MailAsync(address, RegistryMail.Confirmation(MailFrom, address, code!, Link("/registry/confirm", token!), Settings.TokenTtl, _host), cancellationToken);
            Log.AddressSubmitted(_logger, address, actor);
        }
        else if (row.RegistrationState == "pending")
        {
            Log.ResendLimited(_logger, address);
        }

        return ToRecord(row, sent);
    }

    /// <summary>The address behind a valid token, without using it (the page that shows before the button).</summary>
    public async Task<AddressRecord> PeekAsync(string? token, string purpose, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.TryHash(token, out var hash) || await _repository.PeekTokenAsync(hash, purpose, Database.Now(), cancellationToken) is not { } row)
        {
            throw ApiException.BadRequest(InvalidLink);
        }

        return ToRecord(row);
    }

    /// <summary>Confirms with the link's token (single use).</summary>
    public async Task<AddressRecord> ConfirmByTokenAsync(string? token, CancellationToken cancellationToken)
    {
        if (!RegistrationTokens.TryHash(token, out var hash))
        {
            throw ApiException.BadRequest(InvalidLink);
        }

        var address = await AddressOfTokenAsync(hash, "confirm", cancellationToken);
        return await ConfirmAsync(address, null, "link", hash, cancellationToken);
    }

    /// <summary>Confirms with the mailed code (<paramref name="code"/>), or directly by the admin when it is null.</summary>
    public Task<AddressRecord> ConfirmByCodeAsync(string? addressText, string? code, string actor, CancellationToken cancellationToken)
    {
        var address = RegistryQueryParser.Address("address", addressText);
        RequireLocal(address);
        if (code is not null && !RegistrationTokens.IsCodeShape(code))
        {
            throw ApiException.BadRequest("code: not a confirmation code (10 letters and digits)");
        }

        return ConfirmAsync(address, code, actor, null, cancellationToken);
    }

    public async Task<AddressRecord> UnbindAsync(string? addressText, string actor, CancellationToken cancellationToken)
    {
        var address = RegistryQueryParser.Address("address", addressText);
        var domain = RequireLocal(address);
        var row = await _repository.WithLockedAddressAsync(address, domain, async (connection, transaction, row) =>
        {
            if (row.RegistrationState is not ("pending" or "confirmed"))
            {
                throw ApiException.NotFound("not-found", $"{address} is not registered");
            }

            var now = Database.Now();
            var updated = row with { RegistrationState = "unbound", UnboundAt = now, CodeHash = null, CodeExpiresAt = null };
            await AddressRegistrationRepository.VoidTokensAsync(connection, transaction, row.Id, now, cancellationToken);
            await AddressRegistrationRepository.UpdateAsync(connection, transaction, updated, cancellationToken);
            await AuditLog.WriteAsync(connection, transaction, actor, "address.unbind", address, null, null, cancellationToken);
            return updated;
        }, cancellationToken);
        Log.AddressUnbound(_logger, address, actor);
        return ToRecord(row);
    }

    /// <summary>The manage link's actions: unbind, or update the display information. Each uses the token.</summary>
    public async Task<AddressRecord> ManageAsync(string? token, bool unbind, string? company, string? name, CancellationToken cancellationToken)
    {
        company = RegistryQueryParser.Display("company", company);
        name = RegistryQueryParser.Display("name", name);
        if (!RegistrationTokens.TryHash(token, out var hash))
        {
            throw ApiException.BadRequest(InvalidLink);
        }

        var address = await AddressOfTokenAsync(hash, "manage", cancellationToken);
        return await _repository.WithLockedAddressAsync(address, RequireLocal(address), async (connection, transaction, row) =>
        {
            if (await AddressRegistrationRepository.UseTokenAsync(connection, transaction, hash, "manage", Database.Now(), cancellationToken) is null || row.RegistrationState != "confirmed")
            {
                throw ApiException.BadRequest(InvalidLink);
            }

            var now = Database.Now();
            var updated = unbind
                ? row with { RegistrationState = "unbound", UnboundAt = now }
                : row with { DisplayCompany = company, DisplayName = name };
            if (unbind)
            {
                await AddressRegistrationRepository.VoidTokensAsync(connection, transaction, row.Id, now, cancellationToken);
            }

            await AddressRegistrationRepository.UpdateAsync(connection, transaction, updated, cancellationToken);
            await AuditLog.WriteAsync(connection, transaction, "manage-link", unbind ? "address.unbind" : "address.update", address, null, null, cancellationToken);
            if (unbind)
            {
                Log.AddressUnbound(_logger, address, "manage-link");
            }

            return ToRecord(updated);
        }, cancellationToken);
    }

    /// <summary>Mails the reminder with a manage link now (mailfilterctl addresses remind, and the periodic task).</summary>
    public async Task<AddressRecord> RemindAsync(string? addressText, string actor, CancellationToken cancellationToken)
    {
        var address = RegistryQueryParser.Address("address", addressText);
        var domain = RequireLocal(address);
        string? token = null;
        var row = await _repository.WithLockedAddressAsync(address, domain, async (connection, transaction, row) =>
        {
            if (row.RegistrationState != "confirmed")
            {
                throw ApiException.NotFound("not-found", $"{address} is not a confirmed registration");
            }

            var now = Database.Now();
            var (t, hash) = RegistrationTokens.NewToken();
            token = t;
            await AddressRegistrationRepository.InsertTokenAsync(connection, transaction, row.Id, "manage", hash, now + Settings.ManageTokenTtl, cancellationToken);
            var updated = row with { LastReminderAt = now, LastMailAt = now };
            await AddressRegistrationRepository.UpdateAsync(connection, transaction, updated, cancellationToken);
            await AuditLog.WriteAsync(connection, transaction, actor, "address.remind", address, null, null, cancellationToken);
            return updated;
        }, cancellationToken);
        await MailAsync(address, RegistryMail.Reminder(MailFrom, address, row.DisplayCompany, row.DisplayName, row.ConfirmedAt, Link("/registry/manage", token!), _host), cancellationToken);
        Log.ReminderSent(_logger, address, actor);
        return ToRecord(row, true);
    }

    /// <summary>Reminds every confirmed address whose last reminder (or confirmation) is older than reminder_interval; returns how many.</summary>
    public async Task<int> RunRemindersAsync(CancellationToken cancellationToken)
    {
        int n = 0;
        foreach (var address in await _repository.DueRemindersAsync(Database.Now() - Settings.ReminderInterval, 1000, cancellationToken))
        {
            try
            {
                await RemindAsync(address, "authd", cancellationToken);
                n++;
            }
            catch (ApiException e)
            {
                Log.ReminderFailed(_logger, address, e.Message);
            }
        }

        return n;
    }

    internal static AddressRecord ToRecord(AddressRow row, bool? mailSent = null) => new()
    {
        Address = row.Address,
        State = row.RegistrationState,
        Company = row.DisplayCompany,
        Name = row.DisplayName,
        RequestedAt = Utc(row.RequestedAt),
        ConfirmedAt = Utc(row.ConfirmedAt),
        UnboundAt = Utc(row.UnboundAt),
        LastReminderAt = Utc(row.LastReminderAt),
        LastMailAt = Utc(row.LastMailAt),
        MailSent = mailSent,
    };

    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private async Task<string> AddressOfTokenAsync(byte[] hash, string purpose, CancellationToken cancellationToken) =>
        (await _repository.PeekTokenAsync(hash, purpose, Database.Now(), cancellationToken))?.Address ?? throw ApiException.BadRequest(InvalidLink);

    private async Task<AddressRecord> ConfirmAsync(string address, string? code, string actor, byte[]? tokenHash, CancellationToken cancellationToken)
    {
        var row = await _repository.WithLockedAddressAsync(address, RequireLocal(address), async (connection, transaction, row) =>
        {
            var now = Database.Now();
            if (tokenHash is not null)
            {
                if (await AddressRegistrationRepository.UseTokenAsync(connection, transaction, tokenHash, "confirm", now, cancellationToken) is null || row.RegistrationState != "pending")
                {
                    throw ApiException.BadRequest(InvalidLink);
                }
            }
            else if (code is not null)
            {
                bool valid = row.RegistrationState == "pending" && row.CodeHash is { } stored && row.CodeExpiresAt is { } expires
                    && DateTime.SpecifyKind(expires, DateTimeKind.Utc) > now && row.CodeFailures < MaxCodeFailures
                    && CryptographicOperations.FixedTimeEquals(stored, RegistrationTokens.HashCode(address, code));
                if (!valid)
                {
                    if (row.CodeHash is not null)
                    {
                        // Five wrong codes void the pending one (the owner asks for a new mail).
                        var failed = row with { CodeFailures = row.CodeFailures + 1 };
                        failed = failed.CodeFailures >= MaxCodeFailures ? failed with { CodeHash = null, CodeExpiresAt = null } : failed;
                        await AddressRegistrationRepository.UpdateAsync(connection, transaction, failed, cancellationToken);
                        await transaction.CommitAsync(cancellationToken);
                    }

                    throw ApiException.BadRequest("code: wrong, expired or already used, or the address is not waiting for a confirmation");
                }
            }
            else if (row.RegistrationState is not ("pending" or "unbound" or "none"))
            {
                throw ApiException.Conflict("exists", $"{address} is confirmed already");
            }

            var updated = row with { RegistrationState = "confirmed", ConfirmedAt = now, LastReminderAt = null, CodeHash = null, CodeExpiresAt = null, CodeFailures = 0, UnboundAt = null };
            await AddressRegistrationRepository.VoidTokensAsync(connection, transaction, row.Id, now, cancellationToken);
            await AddressRegistrationRepository.UpdateAsync(connection, transaction, updated, cancellationToken);
            await AuditLog.WriteAsync(connection, transaction, actor, "address.confirm", address, null, code is null && tokenHash is null ? "confirmed by the admin" : null, cancellationToken);
            return updated;
        }, cancellationToken);
        Log.AddressConfirmed(_logger, address, actor);
        await MailAsync(address, RegistryMail.Success(MailFrom, address, _host), cancellationToken);
        return ToRecord(row);
    }

    private string RequireLocal(string address)
    {
        var domain = address[(address.LastIndexOf('@') + 1)..];
        if (!LocalDomains.Contains(domain))
        {
            throw ApiException.NotFound("not-local", $"{domain} is not a local domain here");
        }

        return domain;
    }

    private string Link(string path, string token) => $"{Settings.PublicUrl}{path}?token={token}";

    private async Task MailAsync(string to, string message, CancellationToken cancellationToken)
    {
        try
        {
            await Smtp.SendAsync(MailFrom, to, message, cancellationToken);
        }
        catch (IOException e)
        {
            Log.RegistryMailFailed(_logger, to, e.Message);
            throw new ApiException(503, "mail-unavailable", $"the mail to {to} could not be submitted: {e.Message}");
        }
    }
}
