using System.Text.Json.Serialization;

namespace MailFilter.AuthClient.Protocol;

/// <summary>What a key is for: every address has one current key per use (docs/envelope.md §1).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KeyUse>))]
public enum KeyUse
{
    /// <summary>Ed25519: signs envelopes and MailFilter-Signature headers.</summary>
    [JsonStringEnumMemberName("sign")]
    Sign = 1,

    /// <summary>X25519: an age recipient; unwraps file keys.</summary>
    [JsonStringEnumMemberName("encrypt")]
    Encrypt = 2,
}
