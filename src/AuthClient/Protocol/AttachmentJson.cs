using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFilter.AuthClient.Protocol;

/// <summary>The attachment calls' JSON shapes (docs/attachments.md §7), same conventions as <see cref="AuthdJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredAttachment))]
[JsonSerializable(typeof(GrantRequest))]
[JsonSerializable(typeof(GrantResponse))]
[JsonSerializable(typeof(GrantList))]
[JsonSerializable(typeof(AttachmentDetail))]
[JsonSerializable(typeof(GrantChangeRequest))]
[JsonSerializable(typeof(GrantChangeResponse))]
[JsonSerializable(typeof(GcResponse))]
[JsonSerializable(typeof(UsageResponse))]
[JsonSerializable(typeof(PublishResponse))]
public sealed partial class AttachmentJson : JsonSerializerContext
{
}
