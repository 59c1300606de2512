using System.ComponentModel.DataAnnotations;
using BackorderDashboard.Domain;

namespace BackorderDashboard.Data;

public enum MessageKind
{
    BackorderConfirmation = 0,
    Delay = 1,
    ReadyToShip = 2,
    Shipped = 3,
    Cancelled = 4,
    Consolation = 5,
    BackInStock = 6,
    Update = 7,
}

public enum MessageState
{
    /// <summary>Waiting to be sent (first try, or a retry after <see cref="OutboxMessage.NextAttemptAt"/>).</summary>
    Pending = 0,

    /// <summary>Claimed by one dispatcher until <see cref="OutboxMessage.ClaimedUntil"/>.</summary>
    Sending = 1,

    Sent = 2,

    /// <summary>Given up: refused for good by the mail server, or out of retries. Someone has to look at it.</summary>
    Failed = 3,
}

/// <summary>
/// A message to a customer, written in the same transaction as the change that causes it, so a change is never
/// made without its message nor a message sent for a change that was rolled back. A dispatcher sends it later.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }

    public MessageKind Kind { get; set; }

    public int? OrderId { get; set; }
    public Order? Order { get; set; }

    /// <summary>The line a delay message is about: the customer may cancel it from the tracking page.</summary>
    public int? OrderLineId { get; set; }

    [MaxLength(256)]
    public required string ToEmail { get; set; }

    [MaxLength(300)]
    public required string Subject { get; set; }

    public required string BodyText { get; set; }

    public DateTime CreatedAt { get; set; }

    public MessageState State { get; set; }

    public int Attempts { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>When a retry may go; null for a message not tried yet.</summary>
    public DateTime? NextAttemptAt { get; set; }

    /// <summary>The dispatcher sending it, and until when its claim holds (a crashed dispatcher's claim runs out).</summary>
    [MaxLength(64)]
    public string? ClaimedBy { get; set; }

    public DateTime? ClaimedUntil { get; set; }

    /// <summary>The Message-ID the e-mail was sent with; the same for every attempt, so a mail server can tell a repeat.</summary>
    [MaxLength(200)]
    public string? MessageId { get; set; }

    [MaxLength(2000)]
    public string? LastError { get; set; }

    /// <summary>Who made the change that wrote the message (<see cref="Domain.Actor.DisplayName"/>); null on rows older than the column.</summary>
    [MaxLength(256)]
    public string? ActorName { get; set; }

    /// <summary>The way that change came in; null on rows older than the column.</summary>
    public ActorChannel? Channel { get; set; }
}

public enum OrderEventKind
{
    Placed = 0,
    Backordered = 1,
    EtaChanged = 2,
    Expedited = 3,
    Allocated = 4,
    Shipped = 5,
    Cancelled = 6,
    Consolation = 7,
    ShipPolicyChanged = 8,
    MessageQueued = 9,

    /// <summary>An expedited line put back in its place in the queue.</summary>
    Unexpedited = 10,

    /// <summary>The customer joined a product's waitlist (on cancelling a line): told when it is back in stock.</summary>
    Waitlisted = 11,

    /// <summary>Units set aside for a line taken back because a stock correction left fewer on hand than promised.</summary>
    AllocationTakenBack = 12,
    /// <summary>The customer's tier changed, and with it the line's place in its queue (VIP customers first, by setting).</summary>
    CustomerTierChanged = 20,
}

/// <summary>One thing that happened to an order, with who did it and when: the order's timeline.</summary>
public class OrderEvent
{
    public long Id { get; set; }

    public int OrderId { get; set; }
    public Order Order { get; set; } = null!;

    public int? OrderLineId { get; set; }

    public OrderEventKind Kind { get; set; }

    [MaxLength(1000)]
    public required string Detail { get; set; }

    /// <summary>Who did it (<see cref="Domain.Actor.DisplayName"/>).</summary>
    [MaxLength(256)]
    public string? UserName { get; set; }

    /// <summary>The way it came in; null on rows older than the column.</summary>
    public ActorChannel? Channel { get; set; }

    public DateTime At { get; set; }
}
