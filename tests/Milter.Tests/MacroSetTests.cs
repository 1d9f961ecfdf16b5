namespace MailFilter.Milter.Tests;

public class MacroSetTests
{
    private static List<KeyValuePair<string, string>> Pairs(params (string, string)[] p) => p.Select(x => new KeyValuePair<string, string>(x.Item1, x.Item2)).ToList();

    [Fact]
    public void NamesWithAndWithoutBracesAreTheSameLookup()
    {
        var m = new MacroSet();
        m.Set((byte)'M', Pairs(("{auth_authen}", "alice")));
        Assert.Equal("alice", m.Get("auth_authen"));
        Assert.Equal("alice", m.Get("{auth_authen}"));
    }

    [Fact]
    public void NewestStageWinsAndLaterStagesAreClearedWhenAnEarlierOneIsSet()
    {
        var m = new MacroSet();
        m.Set((byte)'C', Pairs(("j", "mx"), ("i", "old")));
        m.Set((byte)'R', Pairs(("i", "QID1")));
        m.Set((byte)'E', Pairs(("i", "QID2")));
        Assert.Equal("QID2", m.Get("i"));
        m.Set((byte)'M', Pairs(("{mail_addr}", "a@x")));
        Assert.Equal("old", m.Get("i"));
        Assert.Equal("mx", m.Get("j"));
    }

    [Fact]
    public void AbortClearsMessageMacrosAndKeepsConnectionMacros()
    {
        var m = new MacroSet();
        m.Set((byte)'C', Pairs(("j", "mx")));
        m.Set((byte)'H', Pairs(("{tls_version}", "TLSv1.3")));
        m.Set((byte)'M', Pairs(("{auth_authen}", "alice")));
        m.Set((byte)'E', Pairs(("i", "QID")));
        m.ClearMessage();
        Assert.Null(m.Get("auth_authen"));
        Assert.Null(m.Get("i"));
        Assert.Equal("mx", m.Get("j"));
        Assert.Equal("TLSv1.3", m.Get("tls_version"));
    }

    [Fact]
    public void UnknownCommandMacrosDoNotClearTheTransaction()
    {
        var m = new MacroSet();
        m.Set((byte)'M', Pairs(("{auth_authen}", "alice")));
        m.Set((byte)'U', Pairs());
        Assert.Equal("alice", m.Get("auth_authen"));
    }

    [Fact]
    public void UnexpectedStagesAreStoredToo()
    {
        var m = new MacroSet();
        m.Set((byte)'Z', Pairs(("x", "1")));
        Assert.Equal("1", m.Get("x"));
        m.ClearAll();
        Assert.Null(m.Get("x"));
    }
}
