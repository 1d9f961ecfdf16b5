using System.Text.Json;
using System.Text.Json.Serialization;

namespace MailFilter.AuthClient.Protocol;

/// <summary>The one JSON shape of the API (camelCase, nulls omitted, byte arrays as standard base64), source-generated.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KeyInfo))]
[JsonSerializable(typeof(KeyList))]
[JsonSerializable(typeof(CurrentKeyRequest))]
[JsonSerializable(typeof(SignRequest))]
[JsonSerializable(typeof(SignResponse))]
[JsonSerializable(typeof(UnwrapRequestBody))]
[JsonSerializable(typeof(UnwrapResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(AddressKeysRequest))]
[JsonSerializable(typeof(RevokeRequest))]
[JsonSerializable(typeof(KeyChangeResponse))]
[JsonSerializable(typeof(ImportRequest))]
[JsonSerializable(typeof(ExportSecretRequest))]
[JsonSerializable(typeof(ExportSecretResponse))]
[JsonSerializable(typeof(BackupRequest))]
[JsonSerializable(typeof(RestoreRequest))]
[JsonSerializable(typeof(RestoreResponse))]
[JsonSerializable(typeof(DiscoveryResponse))]
[JsonSerializable(typeof(PinsResponse))]
[JsonSerializable(typeof(PinDecisionRequest))]
[JsonSerializable(typeof(RegisterMessageRequest))]
[JsonSerializable(typeof(RegisterMessageResponse))]
[JsonSerializable(typeof(RegistryQuery))]
[JsonSerializable(typeof(RegistryAnswer))]
[JsonSerializable(typeof(AddressRecord))]
[JsonSerializable(typeof(AddressList))]
[JsonSerializable(typeof(AddressRequest))]
public sealed partial class AuthdJson : JsonSerializerContext
{
}
