using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>
/// The two things every change to an order leaves behind, in the same transaction as the change: a line in the
/// order's history (who, when, what) and, when the customer should hear of it, a message in the outbox.
/// </summary>
public static class OrderJournal
{
    public static void Record(this AppDbContext db, int orderId, OrderEventKind kind, string detail, Actor actor, DateTime at, int? lineId = null) =>
        db.OrderEvents.Add(new OrderEvent
        {
            OrderId = orderId, OrderLineId = lineId, Kind = kind, Detail = detail, UserName = actor.DisplayName, Channel = actor.Channel, At = at,
        });

    /// <summary>Queues a message to the order's customer (the order must have its customer loaded).</summary>
    public static OutboxMessage Tell(this AppDbContext db, Order order, MessageContent content, Actor actor, DateTime at) =>
        db.Tell(order.Customer, order.Id, content, actor, at);

    /// <summary>Queues a message to a customer, about an order or not (a waitlist's back-in-stock note).</summary>
    public static OutboxMessage Tell(this AppDbContext db, Customer customer, int? orderId, MessageContent content, Actor actor, DateTime at) =>
        db.Outbox.Add(Message(orderId, customer.Name, customer.Email, content, actor, at)).Entity;

    /// <summary>A message to a customer, greeting included, for callers that write many at once.</summary>
    public static OutboxMessage Message(int? orderId, string name, string email, MessageContent content, Actor actor, DateTime at) => new()
    {
        Kind = content.Kind, OrderId = orderId, OrderLineId = content.OrderLineId, ToEmail = email, Subject = content.Subject,
        BodyText = $"Hello {name},\n\n{content.Body}\n", CreatedAt = at, ActorName = actor.DisplayName, Channel = actor.Channel,
    };
}
