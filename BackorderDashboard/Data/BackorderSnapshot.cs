namespace BackorderDashboard.Data;

/// <summary>
/// What one product's backorders held at the end of one merchant day: waiting lines, units and their value. The
/// "backorder value over time" chart reads these; today's row is kept current while the app runs.
/// </summary>
public class BackorderSnapshot
{
    public long Id { get; set; }

    public DateOnly Day { get; set; }

    public int ProductId { get; set; }
    public Product Product { get; set; } = null!;

    public int Lines { get; set; }

    public int Units { get; set; }

    public long ValueCents { get; set; }
}
