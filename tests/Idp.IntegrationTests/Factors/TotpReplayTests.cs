using Idp.Factors.Totp;
using Idp.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Idp.IntegrationTests.Factors;

/// <summary>The step Otp.NET matched is the one the atomic replay check stores, not the current step.</summary>
public sealed class TotpReplayTests
{
    [Fact]
    public async Task Verify_CodeOfThePreviousStep_StoresThatStep_SoTheCurrentCodeStillWorks()
    {
        await using var idp = new IdpFactory();
        var user = await idp.CreateUserAsync();
        var secret = await idp.SeedTotpAsync(user);
        idp.Clock.Advance(TimeSpan.FromSeconds(60));
        var now = idp.Clock.GetUtcNow();
        var previousStep = TotpAlgorithm.StepAt(now) - 1;

        var late = await VerifyAsync(idp, user.Id, SecondFactorSteps.CodeFor(secret, idp, TimeSpan.FromSeconds(-30)));
        Assert.Equal(TotpCheck.Accepted, late.Check);
        var stored = await idp.WithDbAsync(db => db.UserFactors.Where(f => f.Id == late.Factor!.Id).Select(f => f.LastAcceptedStep).SingleAsync());
        Assert.Equal(previousStep, stored);

        Assert.Equal(TotpCheck.Replayed, (await VerifyAsync(idp, user.Id, SecondFactorSteps.CodeFor(secret, idp, TimeSpan.FromSeconds(-30)))).Check);
        Assert.Equal(TotpCheck.Accepted, (await VerifyAsync(idp, user.Id, SecondFactorSteps.CodeFor(secret, idp))).Check);
        stored = await idp.WithDbAsync(db => db.UserFactors.Where(f => f.Id == late.Factor!.Id).Select(f => f.LastAcceptedStep).SingleAsync());
        Assert.Equal(previousStep + 1, stored);
    }

    [Fact]
    public async Task Verify_CodeWithSpaces_IsTrimmedByUs_AndAccepted()
    {
        await using var idp = new IdpFactory();
        var user = await idp.CreateUserAsync();
        var secret = await idp.SeedTotpAsync(user);
        var code = SecondFactorSteps.CodeFor(secret, idp);

        var result = await VerifyAsync(idp, user.Id, $" {code[..3]} {code[3..]} ");

        Assert.Equal(TotpCheck.Accepted, result.Check);
    }

    private static Task<TotpResult> VerifyAsync(IdpFactory idp, string subjectId, string code) =>
        idp.WithScopeAsync(services =>
            services.GetRequiredService<TotpAuthenticators>().VerifyAsync(new DefaultHttpContext(), subjectId, null, code, null));
}
