using Idp.Resources;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Localization;

namespace Idp.Pages.Infrastructure;

/// <summary>Identity's error descriptions are English only: show our own texts, on the field they concern.</summary>
public static class IdentityErrorMessages
{
    public static void AddIdentityErrors(
        this ModelStateDictionary modelState,
        IEnumerable<IdentityError> errors,
        IStringLocalizer<SharedResource> text,
        IdentityOptions identity,
        string passwordField,
        string? emailField = null)
    {
        foreach (var error in errors)
        {
            var (field, message) = error.Code switch
            {
                nameof(IdentityErrorDescriber.PasswordTooShort) => (passwordField, text["Validation_PasswordTooShort", identity.Password.RequiredLength].Value),
                nameof(IdentityErrorDescriber.PasswordRequiresDigit)
                    or nameof(IdentityErrorDescriber.PasswordRequiresLower)
                    or nameof(IdentityErrorDescriber.PasswordRequiresUpper)
                    or nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric)
                    or nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => (passwordField, text["Validation_PasswordWeak"].Value),
                nameof(IdentityErrorDescriber.InvalidEmail) when emailField is not null => (emailField, text["Validation_Email_Invalid"].Value),
                nameof(IdentityErrorDescriber.InvalidToken) => ("", text["Reset_InvalidLink"].Value),
                _ => ("", text["Error_TryAgain"].Value),
            };
            if (!modelState.TryGetValue(field, out var entry) || entry.Errors.All(e => e.ErrorMessage != message))
                modelState.AddModelError(field, message);
        }
    }
}
