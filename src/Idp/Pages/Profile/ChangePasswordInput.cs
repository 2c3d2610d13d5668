using System.ComponentModel.DataAnnotations;

namespace Idp.Pages.Profile;

/// <summary>The password-change form on the profile page: the current password, then the new one twice.</summary>
public sealed class ChangePasswordInput : NewPasswordInput
{
    [Display(Name = "Profile_CurrentPassword")]
    [Required(ErrorMessage = "Profile_CurrentPassword_Required")]
    [StringLength(256, ErrorMessage = "Validation_TooLong")]
    public string? CurrentPassword { get; set; }
}
