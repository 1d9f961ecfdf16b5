namespace MailFilter.Mime.Tests;

public class Rfc2047Tests
{
    [Theory]
    [InlineData("(=?ISO-8859-1?Q?a?=)", "(a)")]
    [InlineData("(=?ISO-8859-1?Q?a?= b)", "(a b)")]
    [InlineData("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)")]
    [InlineData("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)")]
    [InlineData("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)")]
    [InlineData("(=?ISO-8859-1?Q?a_b?=)", "(a b)")]
    [InlineData("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)")]
    [InlineData("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=", "If you can read this you understand the example.")]
    [InlineData("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld Jørn Simonsen")]
    public void DecodesTheRfc2047Section8Examples(string encoded, string expected) =>
        Assert.Equal(expected, Rfc2047.DecodeText(encoded));

    [Theory]
    [InlineData("=?iso-2022-jp?B?GyRCJUYlOSVIGyhC?=", "テスト")]
    [InlineData("=?gb2312?B?1tDOxA==?=", "中文")]
    [InlineData("=?gbk?B?urrX1g==?=", "汉字")]
    [InlineData("=?big5?B?pKSk5Q==?=", "中文")]
    [InlineData("=?koi8-r?B?8NLJ18XU?=", "Привет")]
    [InlineData("=?windows-1251?B?z/Do4uXy?=", "Привет")]
    [InlineData("=?shift_jis?B?k/qWe4zq?=", "日本語")]
    [InlineData("=?euc-kr?B?x9Gxub7u?=", "한국어")]
    [InlineData("=?iso-8859-2?B?o/NkvA==?=", "Łódź")]
    [InlineData("=?ks_c_5601-1987?B?x9Gxub7u?=", "한국어")]
    public void DecodesTheCharsetsMailUses(string encoded, string expected) =>
        Assert.Equal(expected, Rfc2047.DecodeText(encoded));

    [Theory]
    [InlineData("=?utf-8?B?4pyU?==?utf-8?B?IGRvbmU=?=", "✔ done")] // adjacent words without space
    [InlineData("=?utf-8?B?4pw=?= =?utf-8?B?lA==?=", "✔")] // a character split across words (bytes joined first)
    [InlineData("=?utf-8?q?with space?=", "with space")] // spaces inside a word
    [InlineData("=?utf-8?B?YWJj?=", "abc")]
    [InlineData("=?utf-8?B?YWI?=", "ab")] // missing padding
    [InlineData("=?unknown-charset?Q?caf=C3=A9?=", "café")] // unknown charset: UTF-8 if it decodes
    [InlineData("=?utf-8*en?Q?lang?=", "lang")] // RFC 2231 §5 language suffix
    [InlineData("plain =?bogus", "plain =?bogus")]
    [InlineData("=?utf-8?X?abc?=", "=?utf-8?X?abc?=")]
    public void DecodesTheBrokenFormsRealMailHas(string encoded, string expected) =>
        Assert.Equal(expected, Rfc2047.DecodeText(encoded));

    [Theory]
    [InlineData("Rapport trimestriel – version définitive, avec un titre assez long pour être plié en plusieurs mots codés")]
    [InlineData("日本語のメール件名はとても長くなることがあります。日本語のメール件名はとても長くなることがあります。")]
    [InlineData("😀 emoji at the start")]
    public void EncodedWordsRoundTripAndStayWithinTheLineLimits(string text)
    {
        var encoded = Rfc2047.EncodeText(text, "Subject: ".Length);
        Assert.Equal(text, Rfc2047.DecodeText(encoded));
        var words = encoded.Split(' ');
        Assert.True("Subject: ".Length + words[0].Length <= 77);
        Assert.All(words, w => Assert.True(w.Length <= 75, w));
        var header = new Header("Subject", text);
        Assert.Equal(text, header.DecodedValue);
        Assert.All(System.Text.Encoding.ASCII.GetString(header.RawBytes).Split("\r\n"), l => Assert.True(l.Length < 78, l));
    }

    [Fact]
    public void APlainAsciiValueIsNotEncoded()
    {
        var header = new Header("Subject", "Quarterly report");
        Assert.Equal("Subject: Quarterly report\r\n", System.Text.Encoding.ASCII.GetString(header.RawBytes));
    }
}
