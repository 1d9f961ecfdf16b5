using MailFilter.AuthServer.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MailFilter.AuthServer.Registry;

/// <summary>The registry's background work (docs/registry.md §2, §6): deleting expired rows every cleanup_interval and mailing reminders due every reminder_check.</summary>
public sealed class RegistryMaintenance(RegistryService registry, AddressRegistrationService addresses, RegistrySettings settings, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;

    public void Start() =>
        _loops = Task.WhenAll(
            LoopAsync(settings.CleanupInterval, registry.CleanupAsync),
            settings.ReminderCheck > TimeSpan.Zero ? LoopAsync(settings.ReminderCheck, addresses.RunRemindersAsync) : Task.CompletedTask);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loops;
        _stop.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval, Func<CancellationToken, Task<int>> work)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await work(_stop.Token);
                }
                catch (Exception e) when (e is NpgsqlException or Endpoints.ApiException or IOException)
                {
                    Log.MaintenanceFailed(logger, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
