using BackorderDashboard.Domain;

namespace BackorderDashboard.Tests.TestSupport;

/// <summary>The demo accounts as actors, one per role, acting through a page.</summary>
public static class TestActors
{
    public static Actor Admin { get; } = Actor.User("admin@example.com", [Roles.Admin]);
    public static Actor Merchant { get; } = Actor.User("merchant@example.com", [Roles.Merchant]);
    public static Actor Support { get; } = Actor.User("support@example.com", [Roles.CustomerService]);
    public static Actor Manager { get; } = Actor.User("manager@example.com", [Roles.Manager]);

    /// <summary>The staff actor with exactly this role.</summary>
    public static Actor ForRole(string role) => role switch
    {
        Roles.Admin => Admin,
        Roles.Merchant => Merchant,
        Roles.CustomerService => Support,
        Roles.Manager => Manager,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };
}
