using BackorderDashboard.Data;
using BackorderDashboard.Domain;
using BackorderDashboard.Features.Backorders;
using Microsoft.EntityFrameworkCore;

namespace BackorderDashboard.Features.Messages;

/// <summary>A message support writes to a customer by hand, starting from the status update template.</summary>
public sealed class CustomerMessageService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time)
{
    public const int MaxSubject = 300;
    public const int MaxBody = 5_000;

    /// <summary>Field errors of an update, keyed "Subject" / "Body"; empty when it can go.</summary>
    public static Dictionary<string, string> Validate(string? subject, string? body)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(subject))
        {
            errors["Subject"] = "Give the message a subject.";
        }
        else if (subject.Trim().Length > MaxSubject)
        {
            errors["Subject"] = $"Keep the subject under {MaxSubject} characters.";
        }
        if (string.IsNullOrWhiteSpace(body))
        {
            errors["Body"] = "Write what the customer should read.";
        }
        else if (body.Trim().Length > MaxBody)
        {
            errors["Body"] = $"Keep the message under {MaxBody:N0} characters.";
        }
        return errors;
    }

    /// <summary>Queues the update to the order's customer and notes it in the order's history, in one transaction.</summary>
    public async Task<ActionResult> SendUpdateAsync(int orderId, string? subject, string? body, Actor actor, CancellationToken ct = default)
    {
        if (Access.Refusal(actor, Operation.SendCustomerUpdate) is { } refused)
        {
            return ActionResult.Fail(refused);
        }
        if (Validate(subject, body) is { Count: > 0 } errors)
        {
            return ActionResult.Fail(string.Join(" ", errors.Values));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var order = await db.Orders.Include(o => o.Customer).SingleOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return ActionResult.Fail("That order no longer exists.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        db.Tell(order, new MessageContent(MessageKind.Update, subject!.Trim(), body!.Trim()), actor, now);
        db.Record(order.Id, OrderEventKind.MessageQueued, $"Update written to the customer: “{subject.Trim()}”.", actor, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ActionResult.Ok($"Update to {order.Customer.Email} queued.");
    }
}
