using Microsoft.AspNetCore.Http.Features;

namespace BackorderDashboard.Features.Api;

/// <summary>
/// Request bodies of <c>/api/v1</c> are capped at <see cref="MaxBodyBytes"/>: a declared length above it is refused
/// before anything is handled, a longer chunked body when reading passes the cap; both answer 413 as problem details.
/// The rest of a refused body (up to <see cref="DrainBytes"/>) is read and dropped first, so the client, still
/// sending, gets the answer instead of a broken connection.
/// </summary>
public static class ApiRequestLimits
{
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>The most of a refused body that is read to let its sender finish; past it the connection is dropped.</summary>
    public const long DrainBytes = 16 * MaxBodyBytes;

    public static bool IsApi(PathString path) => path.StartsWithSegments("/api/v1", StringComparison.OrdinalIgnoreCase);

    public static IApplicationBuilder UseApiRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!IsApi(context.Request.Path))
        {
            await next(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = DrainBytes;
        }
        var body = context.Request.Body;
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await DrainAsync(body, context.RequestAborted);
            await TooLarge().ExecuteAsync(context);
            return;
        }
        context.Request.Body = new CappedStream(body, MaxBodyBytes);
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await DrainAsync(body, context.RequestAborted);
            context.Response.Clear();
            await TooLarge().ExecuteAsync(context);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // A body that ended early (the client gave up half-way): a plain 400, not an error of the app.
            context.Response.Clear();
            await ApiProblem.Of(StatusCodes.Status400BadRequest, "Incomplete request", $"The request could not be read: {e.Message}").ExecuteAsync(context);
        }
        finally
        {
            context.Request.Body = body;
        }
    });

    private static async Task DrainAsync(Stream body, CancellationToken ct)
    {
        try
        {
            await body.CopyToAsync(Stream.Null, ct);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // Past the drain limit, or the client gave up: the connection ends without the answer.
        }
    }

    private static IResult TooLarge() => ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, "Request too large",
        $"A request body has at most {MaxBodyBytes / 1024 / 1024} MB. Send fewer rows per call.");

    /// <summary>A request body that refuses to be read past its cap, as Kestrel's own limit does.</summary>
    private sealed class CappedStream(Stream inner, long cap) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        private int Count(int read)
        {
            _read += read;
            if (_read > cap)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
