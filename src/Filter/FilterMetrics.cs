using MailFilter.Hosting.Metrics;
using MailFilter.Milter;

namespace MailFilter.Filter;

/// <summary>
/// mailfilterd's Prometheus metrics ([metrics] listen): outbound messages by outcome, the time of each outbound stage
/// and of the whole message, deliveries by result and reply class. Labels are outcomes and stage names only.
/// </summary>
public sealed class FilterMetrics
{
    public FilterMetrics()
    {
        Messages = Registry.Counter("mailfilter_milter_messages_total", "Outbound messages by outcome (encrypted, signed, passed, reinjected, rejected, tempfailed, discarded).", "outcome");
        StageDuration = Registry.Histogram("mailfilter_milter_stage_duration_seconds", "Time each outbound stage took at end of message.", MetricsRegistry.LatencyBuckets, "stage");
        MessageDuration = Registry.Histogram("mailfilter_milter_message_duration_seconds", "Time from end of message to the verdict.", MetricsRegistry.LatencyBuckets);
        Deliveries = Registry.Counter("mailfilter_deliveries_total", "Deliveries per recipient by verification result (pass, fail, none) and reply class.", "result", "reply");
        LinksFiles = Registry.Counter("mailfilter_milter_links_files_total", "Distinct attachment contents the links stage handled: stored (uploaded), present (already in the store, not uploaded again), inline (left in the message: the store was full or unavailable).", "result");
        LinksBytes = Registry.Counter("mailfilter_milter_links_bytes_total", "Decoded bytes of attachments replaced by links.");
        LinksStoreFailures = Registry.Counter("mailfilter_milter_links_store_failures_total", "Messages whose attachments the store could not take, by failure (full, unavailable) and action (tempfail, inline).", "failure", "action");
        DeliveryDuration = Registry.Histogram("mailfilter_delivery_duration_seconds", "Time one recipient's delivery took (open, verify, store).", MetricsRegistry.LatencyBuckets);
        SuspectedPhishing = Registry.Counter("mailfilter_registry_failures_total", "Deliveries whose X-Registered claim the registry did not confirm (suspected phishing), by how they were handled (tag, warn, quarantine).", "policy");
    }

    public MetricsRegistry Registry { get; } = new();

    public Counter Messages { get; }

    public Histogram StageDuration { get; }

    public Histogram MessageDuration { get; }

    public Counter Deliveries { get; }

    public Histogram DeliveryDuration { get; }

    public Counter SuspectedPhishing { get; }

    public Counter LinksFiles { get; }

    public Counter LinksBytes { get; }

    public Counter LinksStoreFailures { get; }

    /// <summary>The outcome label of a message: the verdict when it refused, else what the stages did.</summary>
    public static string Outcome(MilterResponse verdict, IReadOnlyCollection<string> results) => verdict.Kind switch
    {
        MilterResponseKind.Reject or MilterResponseKind.Shutdown => "rejected",
        MilterResponseKind.Tempfail => "tempfailed",
        MilterResponseKind.Discard => "discarded",
        MilterResponseKind.Reply when verdict.Reply!.Code >= 500 => "rejected",
        MilterResponseKind.Reply => "tempfailed",
        _ when results.Any(r => r.StartsWith("encrypted", StringComparison.Ordinal)) => "encrypted",
        _ when results.Contains("signed") => "signed",
        _ when results.Contains("reinjected") => "reinjected",
        _ => "passed",
    };
}
