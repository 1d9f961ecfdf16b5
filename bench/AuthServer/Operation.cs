namespace MailFilter.Bench.AuthServer;

/// <summary>What a worker does per request.</summary>
internal enum Operation
{
    Sign,
    Unwrap,

    /// <summary>Sign and unwrap alternately: what mailfilterd asks for when mail goes out and comes in.</summary>
    Mixed,
}
