using System.Security.Claims;
using BackorderDashboard.Domain;
using BackorderDashboard.Tests.TestSupport;

namespace BackorderDashboard.Tests.Domain;

public class AccessTests
{
    /// <summary>
    /// Who may do what today, written out by hand from the pages (the button's policy) and the role table of the
    /// design, so a change to the permission table has to change this list too.
    /// </summary>
    public static readonly IReadOnlyDictionary<Operation, string[]> ExpectedRoles = new Dictionary<Operation, string[]>
    {
        [Operation.Expedite] = [Roles.Admin, Roles.Merchant],
        [Operation.CancelLine] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [Operation.SwitchShipPolicy] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [Operation.AddConsolation] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [Operation.SendCustomerUpdate] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [Operation.PlaceOrder] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [Operation.Ship] = [Roles.Admin, Roles.Merchant],
        [Operation.Receive] = [Roles.Admin, Roles.Merchant],
        [Operation.CreatePurchaseOrder] = [Roles.Admin, Roles.Merchant],
        [Operation.PlacePurchaseOrder] = [Roles.Admin, Roles.Merchant],
        [Operation.RedatePurchaseOrder] = [Roles.Admin, Roles.Merchant],
        [Operation.CancelPurchaseOrder] = [Roles.Admin, Roles.Merchant],
        [Operation.EditSupplier] = [Roles.Admin, Roles.Merchant],
        [Operation.EditProductPolicy] = [Roles.Admin, Roles.Merchant],
        [Operation.EditProduct] = [Roles.Admin, Roles.Merchant],
        [Operation.CorrectStock] = [Roles.Admin, Roles.Merchant],
        [Operation.ImportData] = [Roles.Admin, Roles.Merchant],
        [Operation.EditCustomer] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [Operation.RemoveWaitlistEntry] = [Roles.Admin, Roles.Merchant, Roles.CustomerService],
        [Operation.SaveSettings] = [Roles.Admin],
        [Operation.CreateUser] = [Roles.Admin],
        [Operation.SetRoles] = [Roles.Admin],
        [Operation.UnlockUser] = [Roles.Admin],
        [Operation.RenameUser] = [Roles.Admin],
        [Operation.DeactivateUser] = [Roles.Admin],
        [Operation.ResetPassword] = [Roles.Admin],
        [Operation.RetryMessage] = [Roles.Admin, Roles.CustomerService],
        [Operation.CreateReplenishmentDrafts] = [Roles.Admin, Roles.Merchant],
        [Operation.CancelDelayedLine] = [],
        [Operation.ReadAuditLog] = [Roles.Admin],
        [Operation.ManageApiKeys] = [Roles.Admin],
        [Operation.ManageWebhookSubscriptions] = [Roles.Admin, Roles.Merchant],
        [Operation.ManageIntegrations] = [Roles.Admin, Roles.Merchant],
    };

    public static TheoryData<Operation> Operations() => new(Enum.GetValues<Operation>());

    public static TheoryData<Operation, string> OperationsByRole()
    {
        var data = new TheoryData<Operation, string>();
        foreach (var operation in Enum.GetValues<Operation>())
        {
            foreach (var role in Roles.All)
            {
                data.Add(operation, role);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Table_EveryOperation_HasOneRow(Operation operation)
    {
        Assert.Equal(operation, Access.Table[operation].Operation);
        Assert.True(ExpectedRoles.ContainsKey(operation), $"{operation} is missing from the expected list.");
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Table_PagePolicyOfTheButton_HasExactlyTheRolesOfTheRow(Operation operation)
    {
        var permission = Access.Table[operation];
        if (permission.PagePolicy is null)
        {
            // Only the customer's own action has no staff page.
            Assert.Empty(permission.Roles);
            return;
        }
        Assert.Equal(Policies.RolesByPolicy[permission.PagePolicy].Order(), permission.Roles.Order());
    }

    [Theory]
    [MemberData(nameof(OperationsByRole))]
    public void Allows_EachRoleAndOperation_AsThePagesAllowToday(Operation operation, string role)
    {
        var expected = ExpectedRoles[operation].Contains(role);

        Assert.Equal(expected, Access.Allows(TestActors.ForRole(role), operation));
        Assert.Equal(expected, Access.Refusal(TestActors.ForRole(role), operation) is null);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Allows_UserWithSeveralRoles_WhenAnyRoleMay(Operation operation)
    {
        var both = Actor.User("pat@example.com", [Roles.Manager, Roles.CustomerService]);

        Assert.Equal(ExpectedRoles[operation].Contains(Roles.CustomerService), Access.Allows(both, operation));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Allows_Customer_OnlyToCancelADelayedLine(Operation operation)
    {
        Assert.Equal(operation == Operation.CancelDelayedLine, Access.Allows(Actor.Customer("SO-1"), operation));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public void Allows_UserWithoutRoleOrAnonymous_Nothing(Operation operation)
    {
        Assert.False(Access.Allows(Actor.User("nobody@example.com", []), operation));
        Assert.False(Access.Allows(Actor.FromUser(new ClaimsPrincipal(new ClaimsIdentity())), operation));
        Assert.False(Access.Allows(Actor.Nobody, operation));
    }

    [Theory]
    [InlineData(Operation.Receive, true)]
    [InlineData(Operation.PlaceOrder, true)]
    [InlineData(Operation.CancelLine, true)]
    [InlineData(Operation.RetryMessage, true)]
    [InlineData(Operation.SaveSettings, false)]
    [InlineData(Operation.CreateUser, true)]
    [InlineData(Operation.SetRoles, false)]
    [InlineData(Operation.SendCustomerUpdate, false)]
    [InlineData(Operation.AddConsolation, false)]
    [InlineData(Operation.CancelDelayedLine, false)]
    public void Allows_System_WhatSystemJobsDo(Operation operation, bool expected)
    {
        Assert.Equal(expected, Access.Allows(Actor.System, operation));
        Assert.Equal(expected, Access.Allows(Actor.SystemVia(ActorChannel.CommandLine), operation));
    }

    [Fact]
    public void Allows_ApiKey_ByItsScopesOnly()
    {
        var key = Actor.ApiKey("storefront", [Access.Scopes.OrdersWrite]);

        Assert.True(Access.Allows(key, Operation.PlaceOrder));
        Assert.True(Access.Allows(key, Operation.CancelLine));
        Assert.False(Access.Allows(key, Operation.Receive));
        Assert.False(Access.Allows(key, Operation.SaveSettings));
        Assert.False(Access.Allows(Actor.ApiKey("read-only", []), Operation.PlaceOrder));
        var warehouse = Actor.ApiKey("warehouse", [Access.Scopes.InventoryWrite]);
        Assert.True(Access.Allows(warehouse, Operation.Receive));
        Assert.False(Access.Allows(warehouse, Operation.PlaceOrder));
        Assert.False(Access.Allows(warehouse, Operation.Ship));
    }

    [Fact]
    public void Allows_Webhook_PlacesAndCancelsOrdersButShipsNothing()
    {
        var shopify = Actor.Webhook("Shopify");

        Assert.True(Access.Allows(shopify, Operation.PlaceOrder));
        Assert.True(Access.Allows(shopify, Operation.CancelLine));
        Assert.False(Access.Allows(shopify, Operation.Ship));
        Assert.Equal(ActorChannel.Webhook, shopify.Channel);
    }

    [Theory]
    [InlineData(Roles.Manager, Operation.CancelLine, "Managers can't cancel lines.")]
    [InlineData(Roles.CustomerService, Operation.Receive, "Customer service agents can't receive stock.")]
    [InlineData(Roles.Merchant, Operation.SaveSettings, "Merchants can't change settings.")]
    public void Refusal_NamesTheRoleAndTheAction(string role, Operation operation, string expected)
    {
        Assert.Equal(expected, Access.Refusal(TestActors.ForRole(role), operation));
    }

    [Fact]
    public void ActsFor_Customer_OnlyItsOwnOrder()
    {
        Assert.True(Access.ActsFor(Actor.Customer("SO-1"), "SO-1"));
        Assert.False(Access.ActsFor(Actor.Customer("SO-1"), "SO-2"));
        Assert.True(Access.ActsFor(TestActors.Support, "SO-2"));
    }

    [Fact]
    public void FromUser_SignedInPrincipal_TakesNameAndTheProductsRoles()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "merchant@example.com"), new Claim(ClaimTypes.Role, Roles.Merchant), new Claim(ClaimTypes.Role, "Owner")],
            authenticationType: "Identity.Application"));

        var actor = Actor.FromUser(principal);

        Assert.Equal((ActorKind.User, "merchant@example.com", ActorChannel.Page), (actor.Kind, actor.Name, actor.Channel));
        Assert.Equal([Roles.Merchant], actor.Roles);
        Assert.True(Access.Allows(actor, Operation.Receive));
        Assert.False(Access.Allows(actor, Operation.SaveSettings));
    }

    [Fact]
    public void DisplayName_ForHistoryAndLedgerRows_KeepsTheTextsThePagesShow()
    {
        Assert.Equal("merchant@example.com", TestActors.Merchant.DisplayName);
        Assert.Equal("customer (tracking page)", Actor.Customer("SO-1").DisplayName);
        Assert.Equal("system", Actor.System.DisplayName);
        Assert.Equal(ActorChannel.TrackingPage, Actor.Customer("SO-1").Channel);
        Assert.Equal(ActorChannel.System, Actor.System.Channel);
    }
}
