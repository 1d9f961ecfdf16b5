namespace MailFilter.Messages;

/// <summary>The outcome of <see cref="CarrierReader.ReadAsync"/>.</summary>
/// <param name="Status">Carrier, not a carrier, or malformed.</param>
/// <param name="Error">Why it is malformed; null otherwise.</param>
/// <param name="EnvelopeLength">Bytes of age file written to the spool (0 unless <see cref="CarrierStatus.Carrier"/>).</param>
public sealed record CarrierReadResult(CarrierStatus Status, CarrierError? Error, long EnvelopeLength)
{
    public static CarrierReadResult NotCarrier { get; } = new(CarrierStatus.NotCarrier, null, 0);

    internal static CarrierReadResult Malformed(CarrierError error) => new(CarrierStatus.Malformed, error, 0);
}
