using System.Diagnostics;

namespace MailFilter.Bench;

/// <summary>
/// One connection's fixed schedule in a paced load: each <see cref="WaitAsync"/> waits for the next slot, catching up
/// when late, so the system under test sees the offered rate. The first slot is spread at random over one interval, so
/// the connections' schedules do not line up. An interval of zero is no pacing (saturation).
/// </summary>
public sealed class Pacer(Stopwatch clock, TimeSpan interval)
{
    private TimeSpan _next = clock.Elapsed + interval * Random.Shared.NextDouble();

    /// <summary>The interval for <paramref name="rate"/> operations per second shared by <paramref name="connections"/>;
    /// zero when <paramref name="rate"/> is null or not positive.</summary>
    public static TimeSpan Interval(double? rate, int connections) =>
        rate is > 0 ? TimeSpan.FromSeconds(connections / rate.Value) : TimeSpan.Zero;

    public async ValueTask WaitAsync()
    {
        if (interval == TimeSpan.Zero)
        {
            return;
        }

        var wait = _next - clock.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        _next += interval;
    }
}
