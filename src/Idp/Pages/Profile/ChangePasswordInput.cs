using System.ComponentModel.DataAnnotations;

namespace Idp.Pages.Profile;

/// <summary>The password-change form on the profile page.</summary>
public sealed class ChangePasswordInput
{
    [Display(Name = "Profile_CurrentPassword")]
    [Required(ErrorMessage = "Profile_CurrentPassword_Required")]
    [StringLength(256, ErrorMessage = "Validation_TooLong")]
    public string? CurrentPassword { get; set; }

    [Display(Name = "Reset_NewPassword")]
    [Required(ErrorMessage = "Register_Password_Required")]
    [StringLength(256, ErrorMessage = "Validation_TooLong")]
    public string? NewPassword { get; set; }

    [Display(Name = "Register_ConfirmPassword")]
    [Required(ErrorMessage = "Register_ConfirmPassword_Required")]
    [Compare(nameof(NewPassword), ErrorMessage = "Validation_PasswordsDiffer")]
    public string? ConfirmPassword { get; set; }
}
