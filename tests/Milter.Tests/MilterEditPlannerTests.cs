using System.Text;
using MailFilter.Milter.Client;
using MailFilter.Milter.Wire;

namespace MailFilter.Milter.Tests;

public class MilterEditPlannerTests
{
    private static HeaderList Original(params (string Name, string Value)[] headers)
    {
        var list = new HeaderList();
        foreach (var (n, v) in headers)
        {
            list.AddOriginal(n, Encoding.UTF8.GetBytes(" " + v));
        }

        return list;
    }

    /// <summary>Applies a plan the way Postfix does and returns "Name: value" lines.</summary>
    private static List<string> ApplyPlan(HeaderList list)
    {
        var start = RawMessage.Parse(Encoding.UTF8.GetBytes(string.Concat(list.Original.Select(h => h.Name + ":" + Encoding.UTF8.GetString(h.OriginalRawValue) + "\r\n")) + "\r\nbody\r\n"));
        var plan = MilterEditPlanner.PlanHeaders(list)
            .Select(m => m with { Value = MilterSession.ToWireForm(m.Value!, exact: true) });
        var result = MilterModificationApplier.Apply(start, plan, exactHeaderValues: true);
        return result.Message.Headers.Select(h => h.Name + ":" + Encoding.UTF8.GetString(h.Value)).ToList();
    }

    private static List<string> Lines(HeaderList list) => list.Select(h => h.Name + ":" + Encoding.UTF8.GetString(h.RawValue)).ToList();

    [Fact]
    public void NoEditsMeansNoActions()
    {
        var list = Original(("From", "a@x"), ("To", "b@y"));
        Assert.Empty(MilterEditPlanner.PlanHeaders(list));
    }

    [Fact]
    public void InsertAtTheTopIsIndexOneBelowTheMtasReceived()
    {
        var list = Original(("From", "a@x"), ("To", "b@y"));
        list.Insert(0, "X-Trace", "t");
        var plan = MilterEditPlanner.PlanHeaders(list);
        var m = Assert.Single(plan);
        Assert.Equal(MilterReplyCode.InsertHeader, m.Code);
        Assert.Equal(1u, m.Index);
    }

    [Fact]
    public void AppendedHeadersUseAddHeader()
    {
        var list = Original(("From", "a@x"));
        list.Add("X-A", "1");
        list.Add("X-B", "2");
        var plan = MilterEditPlanner.PlanHeaders(list);
        Assert.All(plan, m => Assert.Equal(MilterReplyCode.AddHeader, m.Code));
        Assert.Equal(["X-A", "X-B"], plan.Select(m => m.Name));
    }

    [Fact]
    public void ChangingTheSecondOfTwoSameNamedHeadersUsesOccurrenceTwo()
    {
        var list = Original(("X-Dup", "one"), ("Subject", "s"), ("x-dup", "two"));
        list.Set("X-Dup", "changed", occurrence: 2);
        var m = Assert.Single(MilterEditPlanner.PlanHeaders(list));
        Assert.Equal(MilterReplyCode.ChangeHeader, m.Code);
        Assert.Equal(2u, m.Index);
        Assert.Equal(" changed", Encoding.UTF8.GetString(m.Value!));
    }

    [Fact]
    public void DeletionsCountOccurrencesAsTheyStandAfterEarlierDeletions()
    {
        var list = Original(("X-Dup", "1"), ("X-Dup", "2"), ("X-Dup", "3"));
        list.Remove("X-Dup", 1);
        list.Remove("X-Dup", 1); // the original second one
        var plan = MilterEditPlanner.PlanHeaders(list);
        Assert.Equal([1u, 1u], plan.Select(m => m.Index));
        Assert.Equal(["X-Dup: 3"], ApplyPlan(list));
    }

    [Fact]
    public void MixedEditsApplyToExactlyTheFinalList()
    {
        var list = Original(("Received", "r1"), ("From", "a@x"), ("X-Dup", "1"), ("To", "b@y"), ("X-Dup", "2"), ("Subject", "s"));
        list.Insert(0, "X-Top", "top");
        list.Set("X-Dup", "2b", 2);
        list.Remove("To", 1);
        list.Insert(list.IndexOf("Subject"), "X-Before-Subject", "v");
        list.Add("X-Last", "end");
        Assert.Equal(Lines(list), ApplyPlan(list));
    }

    [Fact]
    public void RandomEditSequencesAlwaysReproduceTheFinalList()
    {
        var names = new[] { "From", "To", "X-Dup", "Subject", "received", "X-A" };
        for (int seed = 0; seed < 2000; seed++)
        {
            var rng = new Random(seed);
            var list = Original(Enumerable.Range(0, rng.Next(0, 8)).Select(i => (names[rng.Next(names.Length)], "v" + i)).ToArray());
            int edits = rng.Next(1, 8);
            for (int e = 0; e < edits; e++)
            {
                string name = names[rng.Next(names.Length)];
                switch (rng.Next(5))
                {
                    case 0:
                        list.Add(name, "add" + e);
                        break;
                    case 1:
                        list.Insert(rng.Next(list.Count + 1), name, "ins" + e);
                        break;
                    case 2 when list.Count > 0:
                        list.SetAt(rng.Next(list.Count), "chg" + e);
                        break;
                    case 3 when list.Count > 0:
                        list.RemoveAt(rng.Next(list.Count));
                        break;
                    case 4:
                        list.Set(name, "set" + e, rng.Next(1, 3));
                        break;
                }
            }

            Assert.True(Lines(list).SequenceEqual(ApplyPlan(list)), $"seed {seed}: expected [{string.Join(" | ", Lines(list))}] got [{string.Join(" | ", ApplyPlan(list))}]");
        }
    }

    [Fact]
    public void HeaderValuesThatWouldInjectLinesAreRefused()
    {
        var list = Original(("From", "a@x"));
        Assert.Throws<ArgumentException>(() => list.Add("X-Bad", "a\r\nBcc: evil@example.org"));
        Assert.Throws<ArgumentException>(() => list.Add("X-Bad", "a\rb"));
        Assert.Throws<ArgumentException>(() => list.Add("Bad Name", "v"));
        Assert.Throws<ArgumentException>(() => list.Add("Bad:Name", "v"));
        list.Add("X-Folded", "a\r\n\tb");
        Assert.Equal(" a\r\n\tb", Encoding.UTF8.GetString(list[^1].RawValue));
    }

    [Fact]
    public void WireAndMessageFormsConvertBothWays()
    {
        Assert.Equal(" a\r\n\tb"u8.ToArray(), MilterSession.ToMessageForm("a\n\tb"u8, exact: false));
        Assert.Equal("  a"u8.ToArray(), MilterSession.ToMessageForm("  a"u8, exact: true));
        Assert.Equal("a\n\tb"u8.ToArray(), MilterSession.ToWireForm(" a\r\n\tb"u8.ToArray(), exact: false));
        Assert.Equal(" a\n\tb"u8.ToArray(), MilterSession.ToWireForm(" a\r\n\tb"u8.ToArray(), exact: true));
    }
}
