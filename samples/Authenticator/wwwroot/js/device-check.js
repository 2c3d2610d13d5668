// "Gated by the device's own check where the platform has one": if the device has a user-verifying platform
// authenticator (fingerprint, face, device PIN), the app creates a local WebAuthn credential for itself once
// (relying party: this app's own host; nothing is sent to Idp) and asks for it, with user verification required,
// before every decision is signed. Without such an authenticator the decision is signed without that check.
// It is a gate in this app, not a proof for Idp: WebCrypto cannot bind the signing key to user verification.
(function () {
    'use strict';
    var SETTING = 'platformCredentialId';

    function available() {
        if (!window.PublicKeyCredential || !PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable) {
            return Promise.resolve(false);
        }
        return PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable().catch(function () { return false; });
    }

    function random(length) { return crypto.getRandomValues(new Uint8Array(length)); }

    window.DeviceCheck = {
        // Creates the local credential once, when the platform has a user-verifying authenticator.
        setUp: function () {
            return DeviceStore.setting(SETTING).then(function (existing) {
                if (existing) { return existing; }
                return available().then(function (yes) {
                    if (!yes) { return null; }
                    return navigator.credentials.create({
                        publicKey: {
                            rp: { name: 'Idp Authenticator', id: location.hostname },
                            user: { id: random(16), name: 'authenticator', displayName: 'Idp Authenticator' },
                            challenge: random(32),
                            pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
                            authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'required', residentKey: 'discouraged' },
                            attestation: 'none',
                            timeout: 60000
                        }
                    }).then(function (credential) {
                        var id = IdpApi.b64url(credential.rawId);
                        return DeviceStore.saveSetting(SETTING, id).then(function () { return id; });
                    });
                });
            });
        },
        // Resolves when the user passed the device's check (or the device has none); rejects with code 'verify'.
        verify: function () {
            return DeviceStore.setting(SETTING).then(function (id) {
                if (!id) { return null; }
                return navigator.credentials.get({
                    publicKey: {
                        challenge: random(32),
                        rpId: location.hostname,
                        allowCredentials: [{ type: 'public-key', id: IdpApi.fromB64url(id) }],
                        userVerification: 'required',
                        timeout: 60000
                    }
                }).then(function (assertion) {
                    if (!assertion) { throw { code: 'verify' }; }
                    // User verified (UV flag, bit 2 of the authenticator data's flags byte).
                    var flags = new Uint8Array(assertion.response.authenticatorData)[32];
                    if ((flags & 0x04) === 0) { throw { code: 'verify' }; }
                    return null;
                }, function () { throw { code: 'verify' }; });
            });
        }
    };
})();
