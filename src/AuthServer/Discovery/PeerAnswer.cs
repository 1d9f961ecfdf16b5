using MailFilter.AuthClient.Protocol;

namespace MailFilter.AuthServer.Discovery;

/// <summary>A peer's answer, checked: every key belongs to the address asked for and its kid is its public key's.</summary>
public sealed record PeerAnswer(PeerAnswerKind Kind, IReadOnlyList<KeyInfo> Keys, IReadOnlyList<KeyRotation> Rotations, string? Error = null)
{
    public static PeerAnswer None { get; } = new(PeerAnswerKind.None, [], []);

    public static PeerAnswer Failed(string error) => new(PeerAnswerKind.Failed, [], [], error);

    /// <summary>True when the answer listed at least one key.</summary>
    public bool Found => Kind == PeerAnswerKind.Keys && Keys.Count > 0;
}
