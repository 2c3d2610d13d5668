// Submits the authorization response to the client (response_mode=form_post).
document.getElementById("form-post")?.submit();
