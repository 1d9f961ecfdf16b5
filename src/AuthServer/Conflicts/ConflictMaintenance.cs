using Microsoft.Extensions.Logging;
using Npgsql;

namespace MailFilter.AuthServer.Conflicts;

/// <summary>Deletes observations older than [conflicts] retention and stale history every cleanup_interval (docs/conflicts.md §5).</summary>
public sealed class ConflictMaintenance(ConflictService conflicts, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = LoopAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await conflicts.DrainAsync();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(conflicts.Settings.CleanupInterval);
        try
        {
            do
            {
                try
                {
                    await conflicts.PruneAsync(_stop.Token);
                }
                catch (NpgsqlException e)
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
