namespace BackorderDashboard.Data;

/// <summary>
/// What the backorders of one category from one supplier held at the end of one merchant day: waiting lines, units
/// and their value. The "backorder value over time" chart sums these (the KPI page filters by category and supplier,
/// never finer); today's rows are kept current while the app runs.
/// </summary>
public class BackorderValueDay
{
    public DateOnly Day { get; set; }

    public int CategoryId { get; set; }

    public int SupplierId { get; set; }

    public int Lines { get; set; }

    public int Units { get; set; }

    public long ValueCents { get; set; }
}
