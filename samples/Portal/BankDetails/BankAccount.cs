namespace Portal.BankDetails;

/// <summary>The user's bank account as samples/Api returns it.</summary>
public sealed record BankAccount(string AccountHolder, string Iban, DateTimeOffset? UpdatedAt);
