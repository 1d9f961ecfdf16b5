using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFilter.AuthClient.Protocol;

/// <summary>The conflict and blacklist calls' JSON shapes (docs/conflicts.md §6), same conventions as <see cref="AuthdJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObservationRequest))]
[JsonSerializable(typeof(ObservationDecision))]
[JsonSerializable(typeof(ConflictInfo))]
[JsonSerializable(typeof(ConflictList))]
[JsonSerializable(typeof(IReadOnlyList<ConflictSource>))]
[JsonSerializable(typeof(IReadOnlyList<ConflictInfo>))]
[JsonSerializable(typeof(IReadOnlyList<BlacklistEntry>))]
[JsonSerializable(typeof(ConflictResolveRequest))]
[JsonSerializable(typeof(BlacklistEntry))]
[JsonSerializable(typeof(BlacklistList))]
[JsonSerializable(typeof(BlacklistAddRequest))]
[JsonSerializable(typeof(BlacklistRemoveRequest))]
public sealed partial class ConflictJson : JsonSerializerContext
{
}
