namespace MailFilter.AuthServer.Discovery;

/// <summary>What a peer's public listener said about an address.</summary>
public enum PeerAnswerKind
{
    /// <summary>200 with the address's keys (possibly none).</summary>
    Keys,

    /// <summary>404: the peer does not serve the address (not its domain) or has no such key.</summary>
    None,

    /// <summary>No answer, a 5xx, or an answer that is not a valid key list for the address.</summary>
    Failed,
}
