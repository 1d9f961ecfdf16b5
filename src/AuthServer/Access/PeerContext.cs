namespace MailFilter.AuthServer.Access;

/// <summary>A unix-socket connection's peer and the role it was given.</summary>
public sealed record PeerContext(PeerCredentials Credentials, PeerRole Role);
