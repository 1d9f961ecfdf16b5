using System.Net;
using System.Net.Sockets;
using System.Text;
using MailFilter.Hosting.Metrics;

namespace MailFilter.Hosting.Tests;

public class MetricsTests
{
    [Fact]
    public void CountersAndHistogramsAreWrittenInThePrometheusTextFormat()
    {
        var registry = new MetricsRegistry();
        var messages = registry.Counter("mf_messages_total", "Messages by outcome.", "outcome");
        messages.Increment("signed");
        messages.Increment("signed");
        messages.Increment("say \"hi\"");
        var latency = registry.Histogram("mf_stage_seconds", "Stage time.", [0.01, 0.1], "stage");
        latency.Observe(0.005, "sign");
        latency.Observe(0.05, "sign");
        latency.Observe(3, "sign");

        Assert.Equal("""
            # HELP mf_messages_total Messages by outcome.
            # TYPE mf_messages_total counter
            mf_messages_total{outcome="say \"hi\""} 1
            mf_messages_total{outcome="signed"} 2
            # HELP mf_stage_seconds Stage time.
            # TYPE mf_stage_seconds histogram
            mf_stage_seconds_bucket{stage="sign",le="0.01"} 1
            mf_stage_seconds_bucket{stage="sign",le="0.1"} 2
            mf_stage_seconds_bucket{stage="sign",le="+Inf"} 3
            mf_stage_seconds_sum{stage="sign"} 3.055
            mf_stage_seconds_count{stage="sign"} 3

            """.Replace("\r\n", "\n", StringComparison.Ordinal), registry.Render());
        Assert.Equal(2, messages.Value("signed"));
        Assert.Equal(3, latency.Count("sign"));
    }

    [Fact]
    public void SeriesAreKeyedByEachLabelValueNotByTheirJoinedText()
    {
        var registry = new MetricsRegistry();
        var counter = registry.Counter("x_total", "x", "a", "b");
        var histogram = registry.Histogram("y_seconds", "y", [0.1, 1], "a", "b");
        var values = new[] { "p\0q", "r" };
        counter.Increment(values);
        values[0] = "changed after the call"; // the series keeps its own copy
        counter.Add(2, "p", "q\0r");
        histogram.Observe(0.5, "p\0q", "r");
        histogram.Observe(5, "p", "q\0r");
        histogram.Observe(0.1, "p", "q\0r");
        Assert.Equal(1, counter.Value("p\0q", "r"));
        Assert.Equal(2, counter.Value("p", "q\0r"));
        Assert.Equal(0, counter.Value("changed after the call", "r"));
        Assert.Equal(1, histogram.Count("p\0q", "r"));
        Assert.Equal(2, histogram.Count("p", "q\0r"));
    }

    [Fact]
    public void AWrongNumberOfLabelValuesIsRefused()
    {
        var counter = new MetricsRegistry().Counter("x_total", "x", "a", "b");
        Assert.Throws<ArgumentException>(() => counter.Increment("only-one"));
    }

    [Theory]
    [InlineData("127.0.0.1:9861", true)]
    [InlineData("[::1]:9861", true)]
    [InlineData("0.0.0.0:9861", false)]
    [InlineData("192.0.2.1:9861", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("metrics", false)]
    public void OnlyLoopbackEndpointsAreAccepted(string text, bool accepted)
    {
        Assert.Equal(accepted, MetricsListener.TryParseEndpoint(text, out _, out var error));
        Assert.Equal(accepted, error is null);
    }

    [Fact]
    public async Task TheListenerServesMetricsAndRefusesEverythingElse()
    {
        var registry = new MetricsRegistry();
        registry.Counter("up_total", "Up.").Increment();
        await using var listener = new MetricsListener(new IPEndPoint(IPAddress.Loopback, 0), registry);
        listener.Start();

        Assert.StartsWith("HTTP/1.0 200 OK", await RequestAsync(listener.BoundEndpoint, "GET /metrics HTTP/1.1"), StringComparison.Ordinal);
        Assert.Contains("up_total 1", await RequestAsync(listener.BoundEndpoint, "GET /metrics HTTP/1.1"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.0 404", await RequestAsync(listener.BoundEndpoint, "GET /secrets HTTP/1.1"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.0 405", await RequestAsync(listener.BoundEndpoint, "POST /metrics HTTP/1.1"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.0 400", await RequestAsync(listener.BoundEndpoint, "garbage"), StringComparison.Ordinal);
    }

    private static async Task<string> RequestAsync(IPEndPoint endpoint, string requestLine)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(requestLine + "\r\nHost: x\r\n\r\n"));
        return await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
    }
}
