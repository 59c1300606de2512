using System.ComponentModel.DataAnnotations;

namespace BackorderDashboard.Domain;

/// <summary>Runs a form's data annotations (and IValidatableObject) on the server, whatever the page checked.</summary>
public static class InputValidation
{
    /// <summary>The first problem of each field, by field name; empty when the input is valid.</summary>
    public static Dictionary<string, string> Errors(object input)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true);
        return results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Field: m, Message: r.ErrorMessage ?? "Invalid value.")))
            .GroupBy(e => e.Field)
            .ToDictionary(g => g.Key, g => g.First().Message);
    }
}
