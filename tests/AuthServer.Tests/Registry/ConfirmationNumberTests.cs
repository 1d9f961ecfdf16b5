using System.Text.Json;
using MailFilter.AuthClient.Registry;
using MailFilter.Lab;

namespace MailFilter.AuthServer.Tests.Registry;

/// <summary>docs/registry.md §1: the vectors of docs/vectors/confirmation-numbers.json, both ways, and every refusal.</summary>
public sealed class ConfirmationNumberTests
{
    private static JsonElement Vectors => JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root, "docs", "vectors", "confirmation-numbers.json"))).RootElement;

    public static TheoryData<string, string, string, string> Valid()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var v in Vectors.GetProperty("valid").EnumerateArray())
        {
            data.Add(v.GetProperty("time").GetString()!, v.GetProperty("address").GetString()!, v.GetProperty("random").GetString()!, v.GetProperty("number").GetString()!);
        }

        return data;
    }

    public static TheoryData<string, string> Invalid()
    {
        var data = new TheoryData<string, string>();
        foreach (var v in Vectors.GetProperty("invalid").EnumerateArray())
        {
            data.Add(v.GetProperty("number").GetString()!, v.GetProperty("why").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void EachVectorIsWrittenAndReadBack(string time, string address, string random, string number)
    {
        var made = ConfirmationNumber.Create(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), address, random);
        Assert.Equal(number, made.Text);
        Assert.True(made.Text.All(c => c is > ' ' and < (char)127), "the header value must be printable ASCII without spaces");

        Assert.True(ConfirmationNumber.TryParse(number, out var parsed));
        Assert.Equal(address, parsed.Address);
        Assert.Equal(random, parsed.Random);
        Assert.Equal(made.Hour, parsed.Hour);
        Assert.Equal(0, parsed.Hour.Minute);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void EachMalformedNumberIsRefused(string number, string why)
    {
        Assert.False(ConfirmationNumber.TryParse(number, out _), why);
    }

    [Fact]
    public void NewNumbersAreUniqueAndParse()
    {
        var now = DateTimeOffset.UtcNow;
        var numbers = Enumerable.Range(0, 1000).Select(_ => ConfirmationNumber.Create(now, "alice@example.org").Text).ToHashSet();
        Assert.Equal(1000, numbers.Count);
        Assert.All(numbers, n => Assert.True(ConfirmationNumber.TryParse(n, out _)));
    }

    [Fact]
    public void TheLongestAddressFitsInOneHeaderLine()
    {
        var address = new string('\u00e9', 120) + "@example.org";
        var number = ConfirmationNumber.Create(DateTimeOffset.UtcNow, address);
        Assert.True(number.Text.Length <= ConfirmationNumber.MaxLength);
        Assert.True("X-Confirmation-No: ".Length + number.Text.Length <= 998);
        Assert.True(ConfirmationNumber.TryParse(number.Text, out var back));
        Assert.Equal(address, back.Address);
    }

    [Fact]
    public void ARegistrySignatureIs128LowerCaseHexCharacters()
    {
        var hex = RegistrySignature.FromBytes(new byte[64]);
        Assert.Equal(128, hex.Length);
        Assert.True(RegistrySignature.TryNormalize(new string('A', 128), out var upper));
        Assert.Equal(new string('a', 128), upper);
        Assert.False(RegistrySignature.TryNormalize(new string('a', 127), out _));
        Assert.False(RegistrySignature.TryNormalize(new string('g', 128), out _));
        Assert.False(RegistrySignature.TryNormalize(null, out _));
    }
}
