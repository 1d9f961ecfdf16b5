using System.Text.Json.Nodes;
using MailFilter.AuthServer;
using MailFilter.AuthServer.Configuration;
using MailFilter.AuthServer.Data;
using MailFilter.AuthServer.Keys;
using MailFilter.Crypto;
using Npgsql;

// mailfilter-authd [--config PATH] [--migrate [--json]] [--create-master-key]
// Runs in the foreground; built-in defaults when no config file is given; SIGTERM stops it gracefully.
string? configPath = null;
bool migrate = false, json = false, createMasterKey = false, checkOnly = false, schemaStatus = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--config" when i + 1 < args.Length:
            configPath = args[++i];
            break;
        case "--migrate":
            migrate = true;
            break;
        case "--json":
            json = true;
            break;
        case "--create-master-key":
            createMasterKey = true;
            break;
        case "--check-config":
            checkOnly = true;
            break;
        case "--schema-status":
            schemaStatus = true;
            break;
        case "--version":
            Console.WriteLine($"mailfilter-authd {AuthServerHost.Version}");
            return 0;
        case "-h" or "--help":
            Console.WriteLine("""
                usage: mailfilter-authd [--config PATH] [--migrate [--json] | --schema-status [--json] | --create-master-key | --check-config]

                The MailFilter key authority: runs in the foreground until SIGTERM; SIGHUP rereads the settings.
                  --config PATH          settings file (INI, [authd] [database] [log]); without it, built-in defaults
                  --migrate              apply pending database migrations and exit (mailfilterctl db migrate runs this)
                  --schema-status        print the database's schema version and the pending migrations (exit 1 if any); apply nothing
                  --json                 with --migrate or --schema-status: print the result as JSON
                  --create-master-key    create [authd] master_key (32 random bytes, mode 0600) and exit; never overwrites
                  --check-config         check the settings, print every problem, exit (0 valid, 78 not)
                  --version              print the version
                """);
            return 0;
        default:
            Console.Error.WriteLine($"mailfilter-authd: unknown argument \"{args[i]}\" (try --help)");
            return 64; // EX_USAGE
    }
}

var file = AuthdConfigFile.Load(configPath, out var errors);
if (file is null)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"mailfilter-authd: {configPath ?? "defaults"}: {error}");
    }

    return 78; // EX_CONFIG
}

var settings = file.Settings;
if (checkOnly)
{
    Console.WriteLine($"mailfilter-authd: {configPath ?? "built-in defaults"}: valid");
    return 0;
}

try
{
    if (createMasterKey)
    {
        MasterKey.Create(settings.MasterKeyPath);
        Console.WriteLine($"mailfilter-authd: created master key {settings.MasterKeyPath} (mode 0600); back it up: without it no private key opens");
        return 0;
    }

    if (schemaStatus)
    {
        await using var database = new Database(settings.Database);
        int current = await new MigrationRunner(database).CurrentVersionAsync(CancellationToken.None);
        var pending = await new MigrationRunner(database).PendingAsync(CancellationToken.None);
        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["database"] = settings.Database.ToString(),
                ["current"] = current,
                ["latest"] = MigrationRunner.LatestVersion,
                ["pending"] = MigrationsJson(pending),
            }.ToJsonString());
        }
        else
        {
            Console.WriteLine($"database {settings.Database}: schema version {current} of {MigrationRunner.LatestVersion}");
            foreach (var m in pending)
            {
                Console.WriteLine($"pending {m.Version:D4}_{m.Name}");
            }
        }

        return pending.Count == 0 ? 0 : 1;
    }

    if (migrate)
    {
        await using var database = new Database(settings.Database);
        var result = await new MigrationRunner(database).MigrateAsync(CancellationToken.None);
        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["database"] = settings.Database.ToString(),
                ["before"] = result.VersionBefore,
                ["after"] = result.VersionAfter,
                ["applied"] = MigrationsJson(result.Applied),
            }.ToJsonString());
        }
        else
        {
            foreach (var m in result.Applied)
            {
                Console.WriteLine($"applied {m.Version:D4}_{m.Name}");
            }

            Console.WriteLine($"database {settings.Database}: schema version {result.VersionAfter} (was {result.VersionBefore})");
        }

        return 0;
    }

    await using var host = await AuthServerHost.StartAsync(settings);
    var notify = new MailFilter.Hosting.SdNotify();
    var reloader = new ConfigReloader(configPath, file, host, notify);
    using var hangup = MailFilter.Hosting.Hangup.Handle(() => reloader.Reload());
    notify.Ready("serving keys");
    using var stopping = new CancellationTokenSource();
    var watchdog = notify.RunWatchdogAsync(stopping.Token);
    await host.WaitForShutdownAsync();
    notify.Stopping("finishing requests in flight");
    await host.StopAsync();
    await stopping.CancelAsync();
    await watchdog;
    return 0;
}
catch (MasterKeyException e)
{
    Console.Error.WriteLine($"mailfilter-authd: {e.Message}");
    return 78; // EX_CONFIG
}
catch (CryptoInitializationException e)
{
    Console.Error.WriteLine($"mailfilter-authd: {e.Message}");
    return 69; // EX_UNAVAILABLE
}
catch (MigrationException e)
{
    Console.Error.WriteLine($"mailfilter-authd: {e.Message}");
    return 65; // EX_DATAERR
}
catch (MailFilter.AuthServer.Attachments.StoreUnavailableException e)
{
    Console.Error.WriteLine($"mailfilter-authd: {e.Message}");
    return 69; // EX_UNAVAILABLE
}
catch (NpgsqlException e)
{
    Console.Error.WriteLine($"mailfilter-authd: database {settings.Database} unavailable: {e.Message}");
    return 69; // EX_UNAVAILABLE
}
catch (IOException e) when (createMasterKey)
{
    Console.Error.WriteLine($"mailfilter-authd: cannot create {settings.MasterKeyPath}: {e.Message}");
    return 73; // EX_CANTCREAT
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException
    or Microsoft.AspNetCore.Connections.AddressInUseException)
{
    Console.Error.WriteLine($"mailfilter-authd: cannot start: {e.Message}");
    return 71; // EX_OSERR
}

// Written with JsonObject, not the reflection serializer: the shipped program is trimmed (see the project file).
static JsonArray MigrationsJson(IEnumerable<Migration> migrations) =>
    new(migrations.Select(m => (JsonNode)new JsonObject { ["version"] = m.Version, ["name"] = m.Name }).ToArray());
