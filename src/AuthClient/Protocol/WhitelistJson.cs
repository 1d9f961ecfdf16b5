using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFilter.AuthClient.Protocol;

/// <summary>The whitelist calls' JSON shapes (docs/whitelist.md), same conventions as <see cref="AuthdJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(UserList))]
[JsonSerializable(typeof(UserAddRequest))]
[JsonSerializable(typeof(UserPasswordRequest))]
[JsonSerializable(typeof(WhitelistEntry))]
[JsonSerializable(typeof(WhitelistResponse))]
[JsonSerializable(typeof(WhitelistAddRequest))]
[JsonSerializable(typeof(WhitelistRemoveRequest))]
[JsonSerializable(typeof(WhitelistChange))]
[JsonSerializable(typeof(WhitelistLoginRequest))]
[JsonSerializable(typeof(WhitelistCheckRequest))]
[JsonSerializable(typeof(WhitelistCheckResponse))]
[JsonSerializable(typeof(WhitelistUserChangeRequest))]
[JsonSerializable(typeof(WhitelistLearnRequest))]
[JsonSerializable(typeof(WhitelistLearnResponse))]
public sealed partial class WhitelistJson : JsonSerializerContext
{
}
