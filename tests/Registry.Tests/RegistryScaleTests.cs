using MailFilter.Registry.Tests.Support;

namespace MailFilter.Registry.Tests;

/// <summary>docs/registry.md §2 "Size": with a generated table of a million rows, the lookup authd makes is an index scan, and it answers through the public API.</summary>
public sealed class RegistryScaleTests(RegistryLab lab) : IClassFixture<RegistryLab>
{
    [Fact]
    public async Task TheLookupUsesTheConfirmationNumberIndexOnAMillionRows()
    {
        (await lab.SqlAsync("""
            INSERT INTO registrations (confirmation_no, sender, recipients, message_date, signature, message_id, registered_at, expires_at)
            SELECT '2026112109bulk' || i || '@example.test' || lpad(to_hex(i), 16, '0'), 'bulk' || i || '@example.test', ARRAY['bob@example.test'],
                   now(), repeat('ab', 64), 'm' || i, now(), now() + interval '400 days'
            FROM generate_series(1, 1000000) AS i;
            ANALYZE registrations;
            """)).EnsureSuccess("generate registrations");

        var plan = (await lab.SqlAsync("""
            EXPLAIN (ANALYZE, COSTS OFF)
            SELECT r.confirmation_no, r.sender, r.recipients, r.message_date, r.signature, r.message_id, r.registered_at, r.expires_at, a.display_company, a.display_name
            FROM registrations r LEFT JOIN addresses a ON a.address = r.sender
            WHERE r.confirmation_no = '2026112109bulk777777@example.test00000000000bde31' AND r.expires_at > now()
            """)).Stdout;
        Assert.Contains("Index Scan using registrations_confirmation_no on registrations", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on registrations", plan, StringComparison.Ordinal);

        using var http = new HttpClient();
        var answer = await http.GetStringAsync(lab.PublicUrl + "/.well-known/mailfilter/v1/registry/verify?sender=bulk777777%40example.test&recipient=bob%40example.test"
            + "&date=2026-11-21T09%3A52%3A01Z&confirmationNo=2026112109bulk777777%40example.test00000000000bde31&signature=" + new string('a', 128));
        Assert.Equal("{\"result\":\"mismatch\"}", answer);
    }
}
