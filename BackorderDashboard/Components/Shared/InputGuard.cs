namespace BackorderDashboard.Components.Shared;

/// <summary>
/// The fields of one form that hold text they cannot read. A form outside an <c>EditForm</c> (a dialog, a table of
/// quantities) cascades one to its <see cref="NumberField{TValue}"/>s and asks <see cref="Blocks"/> before it saves,
/// so an unreadable field stops the save instead of sending the last value it could read. Inside an <c>EditForm</c>
/// the fields stop the submit through its validation as well.
/// </summary>
public sealed class InputGuard
{
    private readonly Dictionary<object, string> _problems = [];

    /// <summary>Some field holds text it cannot read: the form must not save.</summary>
    public bool Blocks => _problems.Count > 0;

    /// <summary>What is wrong, one message per field that cannot be read.</summary>
    public IReadOnlyCollection<string> Problems => _problems.Values;

    /// <summary>Records (or, with null, clears) the problem of one field.</summary>
    public void Report(object field, string? problem)
    {
        if (problem is null)
        {
            _problems.Remove(field);
        }
        else
        {
            _problems[field] = problem;
        }
    }

    /// <summary>The message a form shows when it refuses to save.</summary>
    public const string Message = "Not saved: fix the fields marked in red.";
}
