using BackorderDashboard.Data;

namespace BackorderDashboard.Domain;

/// <summary>
/// The two things every change to an order leaves behind, in the same transaction as the change: a line in the
/// order's history (who, when, what) and, when the customer should hear of it, a message in the outbox.
/// </summary>
public static class OrderJournal
{
    public static void Record(this AppDbContext db, int orderId, OrderEventKind kind, string detail, string? userName, DateTime at, int? lineId = null) =>
        db.OrderEvents.Add(new OrderEvent { OrderId = orderId, OrderLineId = lineId, Kind = kind, Detail = detail, UserName = userName, At = at });

    /// <summary>Queues a message to the order's customer (the order must have its customer loaded).</summary>
    public static void Tell(this AppDbContext db, Order order, MessageKind kind, string subject, string body, DateTime at) =>
        db.Tell(order.Customer, order.Id, kind, subject, body, at);

    /// <summary>Queues a message to a customer, about an order or not (a waitlist's back-in-stock note).</summary>
    public static void Tell(this AppDbContext db, Customer customer, int? orderId, MessageKind kind, string subject, string body, DateTime at) =>
        db.Outbox.Add(Message(orderId, customer.Name, customer.Email, kind, subject, body, at));

    /// <summary>A message to a customer, greeting included, for callers that write many at once.</summary>
    public static OutboxMessage Message(int? orderId, string name, string email, MessageKind kind, string subject, string body, DateTime at) => new()
    {
        Kind = kind, OrderId = orderId, ToEmail = email, Subject = subject, BodyText = $"Hello {name},\n\n{body}\n", CreatedAt = at,
    };
}
