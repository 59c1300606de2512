using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Tests.Domain;

/// <summary>
/// The trigram index finds exactly the customers the LIKE rule finds, whatever is typed (case, wildcards, quotes,
/// letters beyond ASCII, phone numbers written any way), and stays right as customers are added, changed and removed.
/// </summary>
public class CustomerSearchTests : IAsyncLifetime
{
    private SqliteTestDatabase _db = null!;

    private static readonly (string Name, string Email, string? Phone)[] People =
    [
        ("Grace Hopper", "grace@example.com", "+1 555-0100"),
        ("Alan Turing", "alan@example.org", "+1 (555) 0199"),
        ("ÉLODIE Dupré", "elodie@exemple.fr", "+33 1 23 45 67 89"),
        ("élodie dupré", "Elodie.D@Exemple.FR", null),
        ("Ada 100% Lovelace", "ada_l@example.com", "555.0100"),
        ("O'Brien \"Mac\" Murphy", "obrien+shop@example.ie", "555/0123"),
        ("Back\\Slash Person", "back\\slash@example.com", null),
        ("Straße Müller", "STRASSE@EXAMPLE.DE", "0049 30 1234567"),
        ("Kelvin Temp", "kelvin@example.com", null),
        ("İsmail Işık", "ismail@example.tr", "+90 212 555 0100"),
        ("Emoji 😀 Fan", "emoji@example.com", "555-0100"),
        ("aaaa bbbb", "aaaa@aaaa.aa", "111-1111"),
    ];

    public async Task InitializeAsync()
    {
        _db = await SqliteTestDatabase.CreateAsync();
        await using var db = _db.CreateDbContext();
        db.Customers.AddRange(People.Select(p => TestData.Customer(p.Name, p.Email, p.Phone)));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Matching_ThroughTheIndex_FindsTheSameCustomersAsLike_ForEveryKindOfText()
    {
        var texts = Texts();

        var (differences, found) = await CompareAsync(texts);

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.True(texts.Count > 500, $"only {texts.Count} texts");
        Assert.True(found > texts.Count / 2, $"only {found} of {texts.Count} texts find anyone");
    }

    [Fact]
    public async Task Matching_ThroughTheIndex_FollowsCustomersAddedChangedAndRemoved()
    {
        await using (var db = _db.CreateDbContext())
        {
            var grace = await db.Customers.SingleAsync(c => c.Email == "grace@example.com");
            grace.Email = "rear.admiral@navy.example";
            grace.Phone = "+1 202 555 7777";
            db.Customers.Remove(await db.Customers.SingleAsync(c => c.Email == "alan@example.org"));
            db.Customers.Add(TestData.Customer("Katherine Johnson", "katherine@nasa.example", "757-555-0150"));
            await db.SaveChangesAsync();
        }

        Assert.Equal(["Grace Hopper"], await NamesAsync("rear.adm"));
        Assert.Equal(["Grace Hopper"], await NamesAsync("202 5557777"));
        Assert.Empty(await NamesAsync("grace@exa"));
        Assert.Empty(await NamesAsync("Turing"));
        Assert.Equal(["Katherine Johnson"], await NamesAsync("KATHERINE@"));
        Assert.Equal(["Katherine Johnson"], await NamesAsync("7575550150"));
        var (differences, _) = await CompareAsync(["example", "555", "grace", "hopper", "nasa", "0150", "turing", "Hop"]);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Fact]
    public async Task Matching_ThroughTheIndex_UsesTheIndexForThreeCharactersAndTheRuleBelow()
    {
        Assert.Null(CustomerSearch.IndexQuery("ab"));
        Assert.Null(CustomerSearch.IndexQuery(" 😀a "));
        Assert.Equal("{Email Name Phone} : \"O\"\"Br\"", CustomerSearch.IndexQuery("O\"Br"));
        Assert.Equal("{Email Name Phone} : \"555 0100\" OR PhoneDigits : \"5550100\"", CustomerSearch.IndexQuery("555 0100"));
        await using var db = _db.CreateDbContext();
        Assert.Contains("CustomerSearch MATCH", db.Customers.Matching(db, "xample").ToQueryString(), StringComparison.Ordinal);
        Assert.DoesNotContain("MATCH", db.Customers.Matching(db, "xa").ToQueryString(), StringComparison.Ordinal);
    }

    /// <summary>Every text of two to six characters cut from the people's details, in three cases, and texts that are hard to search for.</summary>
    private static List<string> Texts()
    {
        var texts = new HashSet<string>(StringComparer.Ordinal)
        {
            "%", "%%", "_", "__", "%_%", "100%", "0% L", "a_l", "ada_", "\\", "\\s", "k\\sl", "'", "O'B", "\"", "\"Mac\"", "'Mac'",
            "\"\"", "\" OR \"", "NEAR(a b)", "{Email}", "Email : x", "*", "ada*", "^ada", "a-b", "(555)", "555 0100", "5550100",
            "555-0100", "+1 555", "0049", "30 1234567", "élodie", "ÉLODIE", "Élodie", "éLODIE", "dupré", "DUPRÉ", "strasse", "Straße",
            "STRASSE", "ß", "ẞ", "müller", "MÜLLER", "Kelvin", "Kelvin", "İsmail", "ismail", "ışık", "IŞIK", "😀", "😀 F", " 😀 ",
            "aaa", "aaaa", "aaaaa", "aa aa", "bbbb", "a b", "  grace  ", "GRACE@EXAMPLE.COM", "example", "EXAMPLE", ".com", "@", "@e",
            "zzz", "no such person",
        };
        foreach (var value in People.SelectMany(p => new[] { p.Name, p.Email, p.Phone }).OfType<string>())
        {
            for (var length = 2; length <= 6; length++)
            {
                for (var start = 0; start + length <= value.Length; start++)
                {
                    var cut = value.Substring(start, length);
                    texts.Add(cut);
                    texts.Add(cut.ToUpperInvariant());
                    texts.Add(cut.ToLowerInvariant());
                }
            }
        }
        return texts.ToList();
    }

    private async Task<(List<string> Differences, int Found)> CompareAsync(IEnumerable<string> texts)
    {
        await using var db = _db.CreateDbContext();
        var differences = new List<string>();
        var found = 0;
        foreach (var text in texts.Where(t => t.Trim().Length > 0))
        {
            var like = await db.Customers.Matching(text).Select(c => c.Id).OrderBy(id => id).ToListAsync();
            var indexed = await db.Customers.Matching(db, text).Select(c => c.Id).OrderBy(id => id).ToListAsync();
            found += like.Count > 0 ? 1 : 0;
            if (!like.SequenceEqual(indexed))
            {
                differences.Add($"“{text}”: LIKE finds [{string.Join(", ", like)}], the index [{string.Join(", ", indexed)}]");
            }
        }
        return (differences, found);
    }

    private async Task<List<string>> NamesAsync(string text)
    {
        await using var db = _db.CreateDbContext();
        return await db.Customers.Matching(db, text).OrderBy(c => c.Name).Select(c => c.Name).ToListAsync();
    }
}
