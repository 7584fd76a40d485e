using Microsoft.AspNetCore.Http.HttpResults;

namespace McpAspire.StateService.Api;

/// <summary>problem+json results with the wording every endpoint shares.</summary>
public static class ApiResults
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static ProblemHttpResult SessionNotFound(string sid) =>
        TypedResults.Problem($"Session '{sid}' was not found (it may have expired).", statusCode: StatusCodes.Status404NotFound, title: "Session not found");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
