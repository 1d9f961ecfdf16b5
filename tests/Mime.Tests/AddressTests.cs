namespace MailFilter.Mime.Tests;

public class AddressTests
{
    [Fact]
    public void ParsesRfc5322AppendixAAddresses()
    {
        var list = AddressParser.ParseList("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>");
        Assert.Collection(list,
            a => Assert.Equal(("Mary Smith", "mary@x.test"), Mailbox(a)),
            a => Assert.Equal((null, "jdoe@example.org"), Mailbox(a)),
            a => Assert.Equal(("Who?", "one@y.test"), Mailbox(a)));
        Assert.Equal(("Giant; \"Big\" Box", "sysservices@example.net"), Mailbox(AddressParser.Parse("\"Giant; \\\"Big\\\" Box\" <sysservices@example.net>")));
    }

    [Fact]
    public void ParsesGroupsIncludingEmptyOnes()
    {
        var list = AddressParser.ParseList("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Undisclosed recipients:;");
        var group = Assert.IsType<GroupAddress>(list[0]);
        Assert.Equal("A Group", group.Name);
        Assert.Equal(["c@a.test", "joe@where.test", "jdoe@one.test"], group.Members.Select(m => m.Address));
        var empty = Assert.IsType<GroupAddress>(list[1]);
        Assert.Equal("Undisclosed recipients", empty.Name);
        Assert.Empty(empty.Members);
    }

    [Fact]
    public void IgnoresCommentsAndCfws()
    {
        var a = AddressParser.Parse("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
        Assert.Equal(("Pete", "pete@silly.test"), Mailbox(a));
        var g = Assert.IsType<GroupAddress>(AddressParser.ParseList("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)")[0]);
        Assert.Equal(["c@public.example", "joe@example.org", "jdoe@one.test"], g.Members.Select(m => m.Address));
    }

    [Fact]
    public void ReadsTheObsoleteSyntax()
    {
        Assert.Equal(("Joe Q. Public", "john.q.public@example.com"), Mailbox(AddressParser.ParseList("Joe Q. Public <john.q.public@example.com>")[0]));
        var routed = (MailboxAddress)AddressParser.ParseList("Mary Smith <@node.test:mary@example.net>")[0];
        Assert.Equal("mary@example.net", routed.Address);
        Assert.Equal(["node.test"], routed.Route);
        Assert.Equal((null, "jdoe@test.example"), Mailbox(AddressParser.ParseList("jdoe@test   . example")[0]));
        Assert.Equal(("John Doe", "jdoe@machine.example"), Mailbox(AddressParser.ParseList("jdoe@machine.example (John Doe)")[0]));
        Assert.Equal(2, AddressParser.ParseList("a@b.test,, ,c@d.test").Count);
    }

    [Fact]
    public void DecodesEncodedDisplayNamesAndRfc6532Utf8()
    {
        Assert.Equal(("André Pirard", "PIRARD@vm1.ulg.ac.be"), Mailbox(AddressParser.Parse("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>")));
        Assert.Equal(("Jöran", "jöran@blåbärsmüsli.se"), Mailbox(AddressParser.Parse("Jöran <jöran@blåbärsmüsli.se>")));
        Assert.Equal(("日本", "用户@例子.广告"), Mailbox(AddressParser.Parse("日本 <用户@例子.广告>")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<unterminated@example.com")]
    [InlineData("no at sign")]
    [InlineData("a@b.test, c@d.test")]
    public void TheStrictParserRefusesWhatIsNotOneValidAddress(string text) =>
        Assert.Throws<MimeFormatException>(() => AddressParser.Parse(text));

    [Fact]
    public void TheLenientParserNeverThrows()
    {
        foreach (var m in Corpus.Messages())
        {
            using var message = MimeMessage.Load(m.Bytes);
            _ = message.From;
            _ = message.To;
            _ = message.Cc;
        }
    }

    [Fact]
    public void FormatsAddressesForHeaders()
    {
        Assert.Equal("\"Doe, John\" <jdoe@example.com>", new MailboxAddress("Doe, John", "jdoe@example.com").ToHeaderValue());
        Assert.Equal("John Doe <jdoe@example.com>", new MailboxAddress("John Doe", "jdoe@example.com").ToHeaderValue());
        var encoded = new MailboxAddress("Zoë", "zoe@example.com").ToHeaderValue();
        Assert.StartsWith("=?utf-8?B?", encoded, StringComparison.Ordinal);
        Assert.Equal(("Zoë", "zoe@example.com"), Mailbox(AddressParser.Parse(encoded)));
    }

    private static (string? Name, string Address) Mailbox(InternetAddress a)
    {
        var m = Assert.IsType<MailboxAddress>(a);
        return (m.Name, m.Address);
    }
}
