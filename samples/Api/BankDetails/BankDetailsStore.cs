using System.Collections.Concurrent;

namespace Api.BankDetails;

/// <summary>Bank details per user (<c>sub</c>), in memory: a sample, forgotten when the API stops.</summary>
public sealed class BankDetailsStore
{
    /// <summary>What a user without saved details sees: a well-known test IBAN.</summary>
    private static readonly BankDetails Example = new("(not set)", "DE89370400440532013000", null);

    private readonly ConcurrentDictionary<string, BankDetails> details = new(StringComparer.Ordinal);

    public BankDetails Get(string subject) => details.GetValueOrDefault(subject, Example);

    public BankDetails Set(string subject, BankDetails value) => details[subject] = value;
}
