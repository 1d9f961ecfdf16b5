using MailFilter.Filter.Configuration;
using Microsoft.Extensions.Configuration;

namespace MailFilter.Filter.Tests.Delivery;

public class DeliverySettingsTests
{
    private static (FilterSettings Settings, List<string> Errors) Load(params (string Key, string Value)[] values)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
        var settings = FilterSettings.Load(config, out var errors);
        return (settings, errors);
    }

    [Fact]
    public void WithoutListenTheDeliveryAgentIsOffAndDefaultsHold()
    {
        var (settings, errors) = Load();
        Assert.Empty(errors);
        var d = settings.Delivery;
        Assert.False(d.Enabled);
        Assert.Equal("/var/lib/mailfilter/maildir", d.Maildir);
        Assert.Null(d.DovecotLmtp);
        Assert.Equal(1L << 30, d.MaxMessageSize);
        Assert.Equal(Environment.MachineName, d.AuthservId);
    }

    [Fact]
    public void EveryKeyIsRead()
    {
        var (settings, errors) = Load(
            ("delivery:listen", "unix:/run/mailfilter/lmtp.sock, inet:127.0.0.1:2424"), ("delivery:socket_mode", "0600"), ("delivery:socket_group", "postfix"),
            ("delivery:maildir", "/srv/mail"), ("delivery:maildir_owner", "nobody"), ("delivery:dovecot_lmtp", "unix:/run/dovecot/lmtp"),
            ("delivery:dovecot_timeout", "5s"), ("delivery:authserv_id", "mx.example.test"), ("delivery:max_message_size", "50M"),
            ("delivery:max_recipients", "10"), ("delivery:max_line_length", "1000"), ("delivery:spool_memory_threshold", "2M"),
            ("delivery:spool_directory", "/var/spool/mf"), ("delivery:read_timeout", "1m"), ("delivery:max_connections", "7"),
            ("delivery:shutdown_timeout", "3s"), ("delivery:replay_cache", "500"));
        Assert.Empty(errors);
        var d = settings.Delivery;
        Assert.Equal(["unix:/run/mailfilter/lmtp.sock", "inet:127.0.0.1:2424"], d.Listen.Select(e => e.Spec));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, d.SocketMode);
        Assert.Equal("postfix", d.SocketGroup);
        Assert.Equal("/srv/mail", d.Maildir);
        Assert.Equal("nobody", d.MaildirOwner);
        Assert.Equal("unix:/run/dovecot/lmtp", d.DovecotLmtp!.Spec);
        Assert.Equal(TimeSpan.FromSeconds(5), d.DovecotTimeout);
        Assert.Equal("mx.example.test", d.AuthservId);
        Assert.Equal(50L << 20, d.MaxMessageSize);
        Assert.Equal((10, 1000, 2L << 20), (d.MaxRecipients, d.MaxLineLength, d.SpoolMemoryThreshold));
        Assert.Equal("/var/spool/mf", d.SpoolDirectory);
        Assert.Equal((TimeSpan.FromMinutes(1), 7, TimeSpan.FromSeconds(3), 500), (d.ReadTimeout, d.MaxConnections, d.ShutdownTimeout, d.ReplayCache));
    }

    [Fact]
    public void TheAuthservIdDefaultsToTheFilterHostname() =>
        Assert.Equal("mx.example.org", Load(("filter:hostname", "mx.example.org")).Settings.Delivery.AuthservId);

    [Theory]
    [InlineData("delivery:listen", "tcp:1.2.3.4")]
    [InlineData("delivery:socket_mode", "rw")]
    [InlineData("delivery:maildir_owner", "no-such-user-here")]
    [InlineData("delivery:dovecot_lmtp", "relative/path")]
    [InlineData("delivery:authserv_id", "mx example")]
    [InlineData("delivery:max_line_length", "100")]
    [InlineData("delivery:max_message_size", "lots")]
    [InlineData("delivery:read_timeout", "never")]
    [InlineData("delivery:frobnicate", "yes")]
    public void ABadValueIsAnErrorNamingItsKey(string key, string value)
    {
        var (_, errors) = Load((key, value));
        var error = Assert.Single(errors);
        Assert.StartsWith($"[delivery] {key["delivery:".Length..]}", error, StringComparison.Ordinal);
    }
}
