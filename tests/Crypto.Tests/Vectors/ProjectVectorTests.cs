using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MailFilter.Crypto.Envelope;
using MailFilter.Crypto.Keys;
using MailFilter.Crypto.Signature;
using MailFilter.Crypto.Signing;
using MailFilter.Crypto.Tests.Support;

namespace MailFilter.Crypto.Tests.Vectors;

/// <summary>
/// The project's own vectors (docs/vectors/): regenerated from <see cref="VectorInputs"/> on every run
/// and compared with the committed files byte for byte, and the committed envelope is opened as each
/// recipient. Set MAILFILTER_WRITE_VECTORS=1 to rewrite the files after a deliberate format change.
/// </summary>
public sealed class ProjectVectorTests
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task TheEnvelopeVectorIsReproducedByteForByte()
    {
        var generated = await GenerateEnvelopeVectorAsync();
        AssertCommitted("envelope-v1.json", generated);
    }

    [Fact]
    public async Task TheCommittedEnvelopeOpensAsEachRecipient()
    {
        var vector = JsonNode.Parse(File.ReadAllText(VectorPath("envelope-v1.json")))!;
        var envelope = Convert.FromBase64String(vector["envelope_base64"]!.GetValue<string>());
        using var sender = Ed25519PrivateKey.ImportSeed(Convert.FromHexString(vector["sender"]!["ed25519_seed_hex"]!.GetValue<string>()));
        var keys = new InMemorySigningKeyResolver();
        keys.Add(new SigningKeyRecord(sender.PublicKey, VectorInputs.Sender, DateTimeOffset.UnixEpoch));
        foreach (var recipient in vector["recipients"]!.AsArray())
        {
            using var key = X25519PrivateKey.ImportAgeIdentity(recipient!["age_identity"]!.GetValue<string>());
            Assert.Equal(recipient["kid"]!.GetValue<string>(), key.KeyId.ToString());
            var opener = new EnvelopeOpener(keys, new MemoryReplayGuard(), new EnvelopeOpenOptions { TimeProvider = new FixedTime(VectorInputs.Created) });
            using var spool = new MemoryStream();
            var opened = await opener.OpenAsync(new MemoryStream(envelope), spool, new OpenRequest
            {
                RecipientAddress = recipient["address"]!.GetValue<string>(),
                Unwrapper = new X25519FileKeyUnwrapper(key),
                FromCheck = (_, _, _) => ValueTask.FromResult(true),
            });
            Assert.Equal(vector["content"]!.GetValue<string>(), Encoding.ASCII.GetString(spool.ToArray()));
            Assert.Equal(vector["signature_hex"]!.GetValue<string>(), Convert.ToHexStringLower(opened.Signature));
        }
    }

    [Fact]
    public async Task TheSignatureHeaderVectorIsReproducedAndVerifies()
    {
        var (json, field) = await GenerateSignatureHeaderVectorAsync();
        AssertCommitted("signature-header.json", json);

        using var sender = Ed25519PrivateKey.ImportSeed(VectorInputs.SenderSeed);
        var keys = new InMemorySigningKeyResolver();
        keys.Add(new SigningKeyRecord(sender.PublicKey, VectorInputs.Sender, DateTimeOffset.UnixEpoch));
        var verifier = new SignatureHeaderVerifier(keys, new SignatureHeaderVerifyOptions { TimeProvider = new FixedTime(VectorInputs.Created) });
        var message = SignedMessage.Sample();
        var result = await verifier.VerifyAsync([field, .. message.Headers], new MemoryStream(message.Body), new DeliveryEnvelope(VectorInputs.Sender, "bob@example.net"));
        Assert.Equal(SignatureHeaderStatus.Pass, result.Status);
    }

    internal static async Task<string> GenerateEnvelopeVectorAsync()
    {
        using var sender = Ed25519PrivateKey.ImportSeed(VectorInputs.SenderSeed);
        var recipients = VectorInputs.Recipients.Select(r => (r.Address, Key: X25519PrivateKey.Import(r.Scalar))).ToArray();
        try
        {
            var request = new SealRequest
            {
                Sender = VectorInputs.Sender,
                MessageId = VectorInputs.MessageId,
                Created = VectorInputs.Created,
                Recipients = recipients.Select(r => new EnvelopeRecipient(r.Address, r.Key.PublicKey)).ToArray(),
            };
            using var output = new MemoryStream();
            var random = new DeterministicRandomness(VectorInputs.FileKey, VectorInputs.PayloadNonce, VectorInputs.EphemeralScalars);
            var sealedEnvelope = await EnvelopeSealer.SealCoreAsync(new MemoryStream(VectorInputs.Content), output, request, new LocalMessageSigner(sender), random, default);
            var envelope = output.ToArray();
            int headerLength = envelope.AsSpan().IndexOf("\n--- "u8) + 1;
            headerLength += envelope.AsSpan(headerLength).IndexOf((byte)'\n') + 1;

            var vector = new JsonObject
            {
                ["description"] = "MailFilter envelope v1 (docs/envelope.md): an age v1 file whose plaintext is the signed MFSM container. Stanzas are in recipient order (sealing normally shuffles them).",
                ["sender"] = new JsonObject
                {
                    ["address"] = VectorInputs.Sender,
                    ["ed25519_seed_hex"] = Convert.ToHexStringLower(VectorInputs.SenderSeed),
                    ["ed25519_public_hex"] = Convert.ToHexStringLower(sender.PublicKey.AsSpan()),
                    ["kid"] = sender.KeyId.ToString(),
                },
                ["recipients"] = new JsonArray(recipients.Select(r => (JsonNode)new JsonObject
                {
                    ["address"] = r.Address,
                    ["age_identity"] = Identity(r.Key),
                    ["age_recipient"] = r.Key.PublicKey.ToAgeRecipient(),
                    ["kid"] = r.Key.KeyId.ToString(),
                }).ToArray()),
                ["file_key_hex"] = Convert.ToHexStringLower(VectorInputs.FileKey),
                ["ephemeral_scalars_hex"] = new JsonArray(VectorInputs.EphemeralScalars.Select(e => (JsonNode)Convert.ToHexStringLower(e)).ToArray()),
                ["payload_nonce_hex"] = Convert.ToHexStringLower(VectorInputs.PayloadNonce),
                ["created"] = VectorInputs.Created.ToUnixTimeSeconds(),
                ["message_id"] = VectorInputs.MessageId,
                ["content"] = Encoding.ASCII.GetString(VectorInputs.Content),
                ["content_sha256_hex"] = Convert.ToHexStringLower(SHA256.HashData(VectorInputs.Content)),
                ["age_header"] = Encoding.ASCII.GetString(envelope, 0, headerLength),
                ["age_header_sha256_hex"] = Convert.ToHexStringLower(sealedEnvelope.HeaderHash),
                ["manifest_hex"] = Convert.ToHexStringLower(sealedEnvelope.Manifest.Serialize()),
                ["to_be_signed_hex"] = Convert.ToHexStringLower(sealedEnvelope.ToBeSigned),
                ["signature_hex"] = Convert.ToHexStringLower(sealedEnvelope.Signature),
                ["container_hex"] = Convert.ToHexStringLower(Container.Expected(sealedEnvelope, VectorInputs.Content)),
                ["envelope_base64"] = Convert.ToBase64String(envelope),
            };
            return vector.ToJsonString(s_json) + "\n";
        }
        finally
        {
            foreach (var r in recipients)
            {
                r.Key.Dispose();
            }
        }
    }

    internal static async Task<(string Json, HeaderField Field)> GenerateSignatureHeaderVectorAsync()
    {
        using var sender = Ed25519PrivateKey.ImportSeed(VectorInputs.SenderSeed);
        var message = SignedMessage.Sample();
        var request = new SignatureHeaderRequest
        {
            Sender = VectorInputs.Sender,
            MailFrom = VectorInputs.Sender,
            Recipients = ["bob@example.net", "carol@example.com"],
            Timestamp = VectorInputs.Created,
            Lifetime = TimeSpan.FromDays(30),
        };
        var field = await SignatureHeaderSigner.SignCoreAsync(message.Headers, new MemoryStream(message.Body), request, new LocalMessageSigner(sender), VectorInputs.BindingSalt, default);
        var vector = new JsonObject
        {
            ["description"] = "MailFilter-Signature (docs/signature-header.md): the header prepended to the message below, with a fixed env= salt.",
            ["ed25519_seed_hex"] = Convert.ToHexStringLower(VectorInputs.SenderSeed),
            ["ed25519_public_base64"] = sender.PublicKey.ToBase64(),
            ["kid"] = sender.KeyId.ToString(),
            ["sender"] = VectorInputs.Sender,
            ["mail_from"] = request.MailFrom,
            ["rcpt_to"] = new JsonArray(request.Recipients.Select(r => (JsonNode)r).ToArray()),
            ["timestamp"] = VectorInputs.Created.ToUnixTimeSeconds(),
            ["env_salt_hex"] = Convert.ToHexStringLower(VectorInputs.BindingSalt),
            ["message"] = Encoding.UTF8.GetString(message.ToBytes()),
            ["header_name"] = field.Name,
            ["header_value"] = field.ValueAsString(),
        };
        return (vector.ToJsonString(s_json) + "\n", field);
    }

    private static string Identity(X25519PrivateKey key)
    {
        var text = new char[X25519PrivateKey.AgeIdentityLength];
        return new string(text, 0, key.ExportAgeIdentity(text));
    }

    private static string VectorPath(string name) => Path.Combine(ExternalTools.RepositoryRoot, "docs", "vectors", name);

    private static void AssertCommitted(string name, string generated)
    {
        var path = VectorPath(name);
        if (Environment.GetEnvironmentVariable("MAILFILTER_WRITE_VECTORS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with MAILFILTER_WRITE_VECTORS=1 and commit it");
        Assert.Equal(File.ReadAllText(path), generated);
    }
}
