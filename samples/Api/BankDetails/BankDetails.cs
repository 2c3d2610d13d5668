namespace Api.BankDetails;

/// <summary>A user's bank account, as the API stores and returns it.</summary>
public sealed record BankDetails(string AccountHolder, string Iban, DateTimeOffset? UpdatedAt);

/// <summary>The body of <c>PUT /api/bank-details</c>.</summary>
public sealed record BankDetailsUpdate(string? AccountHolder, string? Iban);
