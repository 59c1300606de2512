using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackorderDashboard.Benchmarks;

/// <summary>A statement as the app sent it: its text and its parameters' values.</summary>
public sealed record RecordedStatement(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

/// <summary>
/// Records the SQL a service writes by hand on the context's connection (the KPI report's statements), so the
/// raw side of a benchmark runs exactly those statements. EF's own commands are left out: they are EF's work, timed
/// on the app's side only. Used once, untimed, on a service set of its own: every connection is wrapped.
/// </summary>
public sealed class StatementRecorder : DbConnectionInterceptor, IDbCommandInterceptor
{
    private List<RecordedStatement>? _recording;

    /// <summary>Records every hand-written reader statement <paramref name="work"/> runs, in order.</summary>
    public async Task<IReadOnlyList<RecordedStatement>> RecordAsync(Func<Task> work)
    {
        var statements = new List<RecordedStatement>();
        _recording = statements;
        try
        {
            await work();
        }
        finally
        {
            _recording = null;
        }
        return statements;
    }

    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        InterceptionResult<DbConnection>.SuppressWithResult(new RecordingConnection(new SqliteConnection(eventData.ConnectionString), this));

    DbCommand IDbCommandInterceptor.CommandCreated(CommandEndEventData eventData, DbCommand result)
    {
        if (result is RecordingCommand command)
        {
            command.FromEf = true;
        }
        return result;
    }

    private void Record(RecordingCommand command)
    {
        if (_recording is { } recording && !command.FromEf)
        {
            recording.Add(new RecordedStatement(command.CommandText,
                command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value is DBNull ? null : p.Value)).ToList()));
        }
    }

    private sealed class RecordingConnection(SqliteConnection inner, StatementRecorder recorder) : DbConnection
    {
        public SqliteConnection Inner => inner;

        [AllowNull]
        public override string ConnectionString
        {
            get => inner.ConnectionString;
            set => inner.ConnectionString = value;
        }

        public override string Database => inner.Database;
        public override string DataSource => inner.DataSource;
        public override string ServerVersion => inner.ServerVersion;
        public override ConnectionState State => inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);
        public override void Open() => inner.Open();
        public override Task OpenAsync(CancellationToken cancellationToken) => inner.OpenAsync(cancellationToken);
        public override void Close() => inner.Close();
        public override Task CloseAsync() => inner.CloseAsync();
        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel) => inner.BeginTransaction(isolationLevel);
        protected override DbCommand CreateDbCommand() => new RecordingCommand(inner.CreateCommand(), this, recorder);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    private sealed class RecordingCommand(SqliteCommand inner, RecordingConnection connection, StatementRecorder recorder) : DbCommand
    {
        private RecordingConnection? _connection = connection;

        public bool FromEf { get; set; }

        [AllowNull]
        public override string CommandText
        {
            get => inner.CommandText;
            set => inner.CommandText = value;
        }

        public override int CommandTimeout
        {
            get => inner.CommandTimeout;
            set => inner.CommandTimeout = value;
        }

        public override CommandType CommandType
        {
            get => inner.CommandType;
            set => inner.CommandType = value;
        }

        public override bool DesignTimeVisible
        {
            get => inner.DesignTimeVisible;
            set => inner.DesignTimeVisible = value;
        }

        public override UpdateRowSource UpdatedRowSource
        {
            get => inner.UpdatedRowSource;
            set => inner.UpdatedRowSource = value;
        }

        protected override DbConnection? DbConnection
        {
            get => _connection;
            set
            {
                _connection = (RecordingConnection?)value;
                inner.Connection = _connection?.Inner;
            }
        }

        protected override DbParameterCollection DbParameterCollection => inner.Parameters;

        protected override DbTransaction? DbTransaction
        {
            get => inner.Transaction;
            set => inner.Transaction = (SqliteTransaction?)value;
        }

        public override void Cancel() => inner.Cancel();
        public override void Prepare() => inner.Prepare();
        protected override DbParameter CreateDbParameter() => inner.CreateParameter();
        public override int ExecuteNonQuery() => inner.ExecuteNonQuery();
        public override object? ExecuteScalar() => inner.ExecuteScalar();
        public override Task<int> ExecuteNonQueryAsync(CancellationToken cancellationToken) => inner.ExecuteNonQueryAsync(cancellationToken);
        public override Task<object?> ExecuteScalarAsync(CancellationToken cancellationToken) => inner.ExecuteScalarAsync(cancellationToken);

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            recorder.Record(this);
            return inner.ExecuteReader(behavior);
        }

        protected override async Task<DbDataReader> ExecuteDbDataReaderAsync(CommandBehavior behavior, CancellationToken cancellationToken)
        {
            recorder.Record(this);
            return await inner.ExecuteReaderAsync(behavior, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
