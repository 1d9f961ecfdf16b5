using MailFilter.Crypto.Age;

namespace MailFilter.Crypto.Envelope;

/// <summary>Limits and clock of envelope opening.</summary>
public sealed class EnvelopeOpenOptions
{
    public static EnvelopeOpenOptions Default { get; } = new();

    /// <summary>Header limits (step 3).</summary>
    public AgeLimits HeaderLimits { get; init; } = AgeLimits.Envelope;

    /// <summary>Largest content accepted (step 8); set it to Postfix's message_size_limit or above.</summary>
    public long MaxContentLength { get; init; } = 1L << 30;

    /// <summary>Clock-skew window for the sender key's validity and for <c>created</c> (step 10).</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
