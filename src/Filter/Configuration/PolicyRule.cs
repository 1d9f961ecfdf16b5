namespace MailFilter.Filter.Configuration;

/// <summary>What the policy says for one sender: whether to sign, and how hard to try encrypting.</summary>
public sealed record PolicyRule(SignPolicy Sign, EncryptPolicy Encrypt);
