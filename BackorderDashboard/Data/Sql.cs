using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace BackorderDashboard.Data;

/// <summary>
/// Hand-written SQL with named parameters and results read by column name: each row becomes a record through its
/// constructor, a column per parameter of the same name (any case). The reader for a record and a column layout is
/// compiled once and cached, so reading a row costs what reading its columns by hand would.
/// </summary>
public static class Sql
{
    /// <summary>Parameters by name ("$from" or "from"); a null value is sent as SQL NULL.</summary>
    public static SqliteParameter[] Params(params (string Name, object? Value)[] values) =>
        values.Select(v => new SqliteParameter(v.Name.StartsWith('$') ? v.Name : "$" + v.Name, v.Value ?? DBNull.Value)).ToArray();

    /// <summary>A command on the open connection with its text and parameters.</summary>
    public static DbCommand Command(this DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(Params(parameters));
        return command;
    }

    /// <summary>Every row of the command's result as a <typeparamref name="T"/>; the command is disposed.</summary>
    public static async Task<List<T>> ListAsync<T>(this DbCommand command, CancellationToken ct)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            var read = RowReader<T>.For(reader);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }
            return rows;
        }
    }

    /// <summary>The single row of the command's result (an aggregate without GROUP BY always has one).</summary>
    public static async Task<T> SingleAsync<T>(this DbCommand command, CancellationToken ct) => (await command.ListAsync<T>(ct)).Single();

    /// <summary>
    /// The single row of the command's result by column name, for a statement whose columns follow a table of the
    /// product's own (one column per age bucket, say) rather than a record.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, object?>> RowAsync(this DbCommand command, CancellationToken ct)
    {
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException("The statement returned no row.");
            }
            return Enumerable.Range(0, reader.FieldCount)
                .ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i), StringComparer.OrdinalIgnoreCase);
        }
    }

    public static async Task<int> ExecuteAsync(this DbCommand command, CancellationToken ct)
    {
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The compiled reader of one record type, per column layout (the same statement always has the same one).</summary>
    private static class RowReader<T>
    {
        private static readonly ConcurrentDictionary<string, Func<DbDataReader, T>> Readers = new();

        public static Func<DbDataReader, T> For(DbDataReader reader)
        {
            var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            return Readers.GetOrAdd(string.Join('\u001f', columns), _ => Compile(columns));
        }

        private static Func<DbDataReader, T> Compile(string[] columns)
        {
            var constructor = typeof(T).GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            var reader = Expression.Parameter(typeof(DbDataReader), "reader");
            var arguments = constructor.GetParameters().Select(p =>
            {
                var ordinal = Array.FindIndex(columns, c => string.Equals(c, p.Name, StringComparison.OrdinalIgnoreCase));
                if (ordinal < 0)
                {
                    throw new InvalidOperationException(
                        $"{typeof(T).Name}.{p.Name} has no column of that name in the result ({string.Join(", ", columns)}).");
                }
                return Column(reader, ordinal, p.ParameterType);
            });
            return Expression.Lambda<Func<DbDataReader, T>>(Expression.New(constructor, arguments), reader).Compile();
        }

        /// <summary>reader.IsDBNull(i) ? default : (type)reader.GetFieldValue&lt;stored&gt;(i), enums read as their number.</summary>
        private static Expression Column(ParameterExpression reader, int ordinal, Type type)
        {
            var plain = Nullable.GetUnderlyingType(type) ?? type;
            var stored = plain.IsEnum ? Enum.GetUnderlyingType(plain) : plain;
            var index = Expression.Constant(ordinal);
            var value = Expression.Convert(Expression.Convert(Expression.Call(reader, GetFieldValue.MakeGenericMethod(stored), index), plain), type);
            return Expression.Condition(Expression.Call(reader, IsDBNull, index), Expression.Default(type), value);
        }

        private static readonly MethodInfo GetFieldValue = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!;
        private static readonly MethodInfo IsDBNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull))!;
    }
}
