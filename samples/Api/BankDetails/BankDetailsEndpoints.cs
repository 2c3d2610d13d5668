using System.Security.Claims;
using Api.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Api.BankDetails;

public static class BankDetailsEndpoints
{
    public const int MaxAccountHolderLength = 140;

    /// <summary><c>GET</c> and <c>PUT /api/bank-details</c>: a second factor, used within the last few minutes (RFC 9470 step-up).</summary>
    public static IEndpointRouteBuilder MapBankDetailsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/bank-details").RequireStepUp();
        group.MapGet("/", Get).WithName("GetBankDetails");
        group.MapPut("/", Put).WithName("PutBankDetails");
        return app;
    }

    private static Ok<BankDetails> Get(ClaimsPrincipal user, BankDetailsStore store) =>
        TypedResults.Ok(store.Get(Subject(user)));

    private static Results<Ok<BankDetails>, ValidationProblem> Put(
        BankDetailsUpdate update, ClaimsPrincipal user, BankDetailsStore store, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        var holder = update.AccountHolder?.Trim();
        if (string.IsNullOrEmpty(holder) || holder.Length > MaxAccountHolderLength)
            errors["accountHolder"] = [$"Enter the account holder's name (at most {MaxAccountHolderLength} characters)."];
        var iban = Iban.Normalize(update.Iban);
        if (iban is null)
            errors["iban"] = ["Enter a valid IBAN."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        return TypedResults.Ok(store.Set(Subject(user), new BankDetails(holder!, iban!, clock.GetUtcNow())));
    }

    private static string Subject(ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value ?? throw new InvalidOperationException("An authenticated user without sub.");
}
