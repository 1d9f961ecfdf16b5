namespace MailFilter.Crypto.Signature;

/// <summary>One <c>tag=value</c> of a tag list: the value with folding white space removed at its ends, and the raw range from after "=" to the separator.</summary>
internal readonly record struct Tag(string Name, string Value, int ValueStart, int ValueEnd);
