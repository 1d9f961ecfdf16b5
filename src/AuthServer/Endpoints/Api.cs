using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MailFilter.AuthClient.Protocol;
using MailFilter.AuthServer.Access;
using MailFilter.AuthServer.Keys;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MailFilter.AuthServer.Endpoints;

/// <summary>What every endpoint shares: JSON in and out with the contract's source-generated types, the role check, and the mapping of failures to error bodies (docs/authd-api.md §2).</summary>
public static class Api
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted)
                ?? throw ApiException.BadRequest("empty request body");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"malformed JSON: {e.Message}");
        }
    }

    public static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    /// <summary>The peer of a unix-socket request, if its role is at least <paramref name="role"/>; otherwise a 403 naming what the peer lacks.</summary>
    public static PeerContext Require(HttpContext context, PeerRole role)
    {
        var peer = PeerConnection.Get(context) ?? throw ApiException.NotFound("not-found", "no such resource on this listener");
        if (peer.Role >= role)
        {
            return peer;
        }

        var who = $"uid {peer.Credentials.Uid} (gid {peer.Credentials.Gid}, pid {peer.Credentials.Pid})";
        throw new ApiException(StatusCodes.Status403Forbidden, "forbidden", role switch
        {
            PeerRole.Root => $"{who} may not do this: root only",
            PeerRole.Admin => $"{who} is not in [authd] admin_users or admin_groups",
            _ => $"{who} is not in [authd] api_users or api_groups",
        });
    }

    /// <summary>Turns refusals and failures into error bodies. A database that does not answer is 503 (transient: mailfilterd tempfails).</summary>
    public static async Task HandleErrorsAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        try
        {
            await next(context);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, new ErrorResponse { Error = e.Code, Message = e.Message }, AuthdJson.Default.ErrorResponse, e.Status);
        }
        catch (NpgsqlException e) when (!context.Response.HasStarted)
        {
            Log.DatabaseUnavailable(logger, context.Request.Path, e.Message);
            await WriteAsync(context, new ErrorResponse { Error = "database-unavailable", Message = "the database does not answer" },
                AuthdJson.Default.ErrorResponse, StatusCodes.Status503ServiceUnavailable);
        }
        catch (MasterKeyException e) when (!context.Response.HasStarted)
        {
            Log.KeyDoesNotOpen(logger, e.Message);
            await WriteAsync(context, new ErrorResponse { Error = "key-unreadable", Message = e.Message }, AuthdJson.Default.ErrorResponse, StatusCodes.Status500InternalServerError);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, new ErrorResponse { Error = "bad-request", Message = e.Message }, AuthdJson.Default.ErrorResponse, e.StatusCode);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
