using System.Diagnostics;
using MailFilter.Hosting.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MailFilter.AuthServer;

/// <summary>
/// mailfilter-authd's operations as Prometheus metrics: every request by operation (the route pattern, so the label
/// set stays small: never an address) and status class, and its duration.
/// </summary>
public sealed class AuthdMetrics
{
    public AuthdMetrics()
    {
        Requests = Registry.Counter("mailfilter_authd_requests_total", "mailfilter-authd requests by operation and status class.", "operation", "status");
        Duration = Registry.Histogram("mailfilter_authd_request_duration_seconds", "Time mailfilter-authd took per request.", MetricsRegistry.LatencyBuckets, "operation");
        Downloads = Registry.Counter("mailfilter_authd_attachment_downloads_total", "Attachment downloads served, by kind (full, range, head).", "kind");
        DownloadBytes = Registry.Counter("mailfilter_authd_attachment_download_bytes_total", "Attachment bytes sent to downloaders.");
        DownloadRefusals = Registry.Counter("mailfilter_authd_attachment_download_refusals_total",
            "Attachment downloads refused, by reason (unknown-token, expired, revoked, exhausted, released, other-recipient, proof-required, wrong-name, bad-range).", "reason");
        Uploads = Registry.Counter("mailfilter_authd_attachment_uploads_total", "Attachment uploads, by result (stored, present, hash-mismatch, store-full, store-unavailable).", "result");
        UploadBytes = Registry.Counter("mailfilter_authd_attachment_upload_bytes_total", "Attachment bytes written to the store (plaintext).");
        Observations = Registry.Counter("mailfilter_authd_observations_total", "Signature claims observed at delivery (docs/conflicts.md), by the answer (deliver, tempfail, refuse).", "action");
        Conflicts = Registry.Counter("mailfilter_authd_conflicts_total", "Conflicts opened, by state (resolved: decided by the history check at once; blocked: held for the admin).", "state");
    }

    public MetricsRegistry Registry { get; } = new();

    public Counter Requests { get; }

    public Histogram Duration { get; }

    public Counter Downloads { get; }

    public Counter DownloadBytes { get; }

    public Counter DownloadRefusals { get; }

    public Counter Uploads { get; }

    public Counter UploadBytes { get; }

    public Counter Observations { get; }

    public Counter Conflicts { get; }

    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            string pattern = context.GetEndpoint() is RouteEndpoint route ? route.RoutePattern.RawText ?? "?" : "unmatched";
            string operation = $"{context.Request.Method} {pattern}";
            Requests.Increment(operation, $"{context.Response.StatusCode / 100}xx");
            Duration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds, operation);
        }
    }
}
