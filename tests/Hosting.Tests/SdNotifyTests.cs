using System.Net.Sockets;
using System.Text;

namespace MailFilter.Hosting.Tests;

public class SdNotifyTests
{
    [Fact]
    public void ReadyAndStoppingArriveAsDatagramsOnTheNotifySocket()
    {
        var dir = Directory.CreateTempSubdirectory("notify-").FullName;
        try
        {
            var path = Path.Combine(dir, "notify.sock");
            using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            systemd.Bind(new UnixDomainSocketEndPoint(path));
            var notify = new SdNotify(path);
            Assert.True(notify.Enabled);
            notify.Ready("milter on unix:/x");
            notify.Stopping("finishing");
            var buffer = new byte[512];
            int n = systemd.Receive(buffer);
            Assert.Equal("READY=1\nSTATUS=milter on unix:/x", Encoding.UTF8.GetString(buffer, 0, n));
            n = systemd.Receive(buffer);
            Assert.Equal("STOPPING=1\nSTATUS=finishing", Encoding.UTF8.GetString(buffer, 0, n));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AnAbstractSocketNameIsUsed()
    {
        string name = "mailfilter-test-" + Guid.NewGuid().ToString("N");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint("\0" + name));
        new SdNotify("@" + name).Watchdog();
        var buffer = new byte[64];
        Assert.Equal("WATCHDOG=1", Encoding.UTF8.GetString(buffer, 0, systemd.Receive(buffer)));
    }

    [Fact]
    public void WithoutNotifySocketNothingHappens()
    {
        var notify = new SdNotify(string.Empty);
        Assert.False(notify.Enabled);
        notify.Ready("ignored");
    }

    [Fact]
    public void AGoneSystemdIsNotAnError()
    {
        new SdNotify("/nonexistent/notify.sock").Ready("nobody listens");
    }

    [Fact]
    public async Task WithWatchdogSecTheWatchdogIsFedAtHalfTheInterval()
    {
        string name = "mailfilter-test-" + Guid.NewGuid().ToString("N");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint("\0" + name));
        var notify = new SdNotify("@" + name, watchdogUsec: "200000", watchdogPid: Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromMilliseconds(200), notify.WatchdogInterval);
        using var cts = new CancellationTokenSource();
        var feeding = notify.RunWatchdogAsync(cts.Token);
        var buffer = new byte[64];
        for (int i = 0; i < 3; i++)
        {
            int n = await systemd.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("WATCHDOG=1", Encoding.UTF8.GetString(buffer, 0, n));
        }

        await cts.CancelAsync();
        await feeding.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AWatchdogMeantForAnotherProcessOrAbsentIsNotFed()
    {
        Assert.Null(new SdNotify("@x", watchdogUsec: "200000", watchdogPid: "1").WatchdogInterval);
        var none = new SdNotify("@x", watchdogUsec: string.Empty, watchdogPid: string.Empty);
        Assert.Null(none.WatchdogInterval);
        await none.RunWatchdogAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void ReloadingIsAnnouncedWithItsStatus()
    {
        string name = "mailfilter-test-" + Guid.NewGuid().ToString("N");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint("\0" + name));
        new SdNotify("@" + name).Reloading("reloading /etc/mailfilter/mailfilter.conf");
        var buffer = new byte[128];
        Assert.Equal("RELOADING=1\nSTATUS=reloading /etc/mailfilter/mailfilter.conf", Encoding.UTF8.GetString(buffer, 0, systemd.Receive(buffer)));
    }
}
