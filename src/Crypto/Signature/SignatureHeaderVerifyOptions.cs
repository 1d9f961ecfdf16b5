namespace MailFilter.Crypto.Signature;

/// <summary>Clock and limits of signature-header verification.</summary>
public sealed class SignatureHeaderVerifyOptions
{
    public static SignatureHeaderVerifyOptions Default { get; } = new();

    /// <summary>Tolerance for <c>t=</c> in the future, <c>x=</c> in the past, and key validity at <c>t=</c>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Most MailFilter-Signature fields examined (topmost first).</summary>
    public int MaxSignatures { get; init; } = 5;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
