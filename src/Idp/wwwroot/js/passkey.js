// Runs the WebAuthn ceremony of the page's form marked data-passkey-ceremony ("create" or "get"), with the options
// in data-passkey-options, puts the authenticator's response into the hidden field "Credential" and posts the form.
// A cancelled or failed ceremony posts an empty response: the server answers with a message and fresh options.
(function () {
    'use strict';
    var form = document.querySelector('form[data-passkey-ceremony]');
    if (!form) {
        return;
    }
    var supported = window.PublicKeyCredential
        && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
        && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';
    if (!supported) {
        document.getElementById('passkey-unsupported').hidden = false;
        form.querySelector('button[type=submit]').disabled = true;
        return;
    }
    form.addEventListener('submit', function (event) {
        event.preventDefault();
        var options = JSON.parse(form.dataset.passkeyOptions);
        var field = form.querySelector('input[name=Credential]');
        var ceremony = form.dataset.passkeyCeremony === 'create'
            ? navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
            : navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        ceremony.then(function (credential) {
            field.value = JSON.stringify(credential);
        }, function () {
            field.value = '';
        }).then(function () {
            form.submit();
        });
    });
}());
