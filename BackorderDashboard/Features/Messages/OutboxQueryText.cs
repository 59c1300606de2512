using System.Globalization;
using BackorderDashboard.Components.Shared;
using BackorderDashboard.Data;
using Microsoft.AspNetCore.WebUtilities;

namespace BackorderDashboard.Features.Messages;

/// <summary>The outbox's filters (q, state, kind) and where its page starts (after or before a message's number) as an address.</summary>
public static class OutboxQueryText
{
    public static OutboxQuery Parse(string? search, string? state, string? kind, string? after, string? before, QueryParameters address)
    {
        var query = new OutboxQuery(
            State: address.Enum<MessageState>("state", state, "state", "showing every state"),
            Kind: address.Enum<MessageKind>("kind", kind, "kind", "showing every kind"),
            Search: address.Text("q", search, "search", "showing every message"),
            After: address.LongId("after", after, "message to start after", "showing the newest messages"));
        // Both read, so a bad one is noted; after wins when both are given.
        var ending = address.LongId("before", before, "message to end before", "showing the newest messages");
        return query.After is null ? query with { Before = ending } : query;
    }

    public static string Url(string path, OutboxQuery query)
    {
        var parameters = new Dictionary<string, string?>();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            parameters["q"] = query.Search.Trim();
        }
        if (query.State is { } state)
        {
            parameters["state"] = state.ToString().ToLowerInvariant();
        }
        if (query.Kind is { } kind)
        {
            parameters["kind"] = kind.ToString().ToLowerInvariant();
        }
        if (query.After is { } after)
        {
            parameters["after"] = after.ToString(CultureInfo.InvariantCulture);
        }
        else if (query.Before is { } before)
        {
            parameters["before"] = before.ToString(CultureInfo.InvariantCulture);
        }
        return QueryHelpers.AddQueryString(path, parameters);
    }
}
