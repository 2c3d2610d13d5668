// Idp's device API (src/Idp.Core/Factors/Push/API.md) and the device's crypto. Errors are problem details whose type is
// urn:idp:problem:<code>; they become ApiError(code, status). Network failures become ApiError('network', 0).
(function () {
    'use strict';
    var base = '';

    function ApiError(code, status) {
        this.code = code;
        this.status = status;
        this.message = code;
    }
    ApiError.prototype = Object.create(Error.prototype);

    function b64url(bytes) {
        var s = '';
        var view = new Uint8Array(bytes);
        for (var i = 0; i < view.length; i++) { s += String.fromCharCode(view[i]); }
        return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    }

    function fromB64url(text) {
        var s = text.replace(/-/g, '+').replace(/_/g, '/');
        while (s.length % 4) { s += '='; }
        var raw = atob(s);
        var out = new Uint8Array(raw.length);
        for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
        return out;
    }

    function call(method, path, body, token) {
        var headers = { 'Accept': 'application/json' };
        if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
        if (token) { headers['Authorization'] = 'Bearer ' + token; }
        return fetch(base + '/api/authenticator/v1' + path, {
            method: method,
            headers: headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            credentials: 'omit',
            cache: 'no-store'
        }).catch(function () {
            throw new ApiError('network', 0);
        }).then(function (response) {
            if (response.status === 204) { return null; }
            return response.text().then(function (text) {
                var json = null;
                try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
                if (!response.ok) {
                    var code = json && typeof json.type === 'string' && json.type.indexOf('urn:idp:problem:') === 0
                        ? json.type.slice('urn:idp:problem:'.length)
                        : (response.status === 404 ? 'not_found' : 'http_' + response.status);
                    throw new ApiError(code, response.status);
                }
                return json;
            });
        });
    }

    // Reads a text/event-stream with fetch (the token goes in the header, never in the URL) and calls
    // onEvent(name, data) per event. Resolves when the stream ends; rejects on a network error or when aborted.
    function stream(path, token, signal, onEvent) {
        return fetch(base + '/api/authenticator/v1' + path, {
            headers: { 'Accept': 'text/event-stream', 'Authorization': 'Bearer ' + token },
            credentials: 'omit',
            cache: 'no-store',
            signal: signal
        }).then(function (response) {
            if (!response.ok || !response.body) {
                throw new ApiError(response.status === 404 ? 'not_found' : 'http_' + response.status, response.status);
            }
            var reader = response.body.getReader();
            var decoder = new TextDecoder();
            var buffer = '';
            function dispatch(block) {
                var name = 'message';
                var data = [];
                block.split('\n').forEach(function (line) {
                    if (line.indexOf('event:') === 0) { name = line.slice(6).trim(); }
                    else if (line.indexOf('data:') === 0) { data.push(line.slice(5).replace(/^ /, '')); }
                });
                if (data.length) {
                    var parsed = null;
                    try { parsed = JSON.parse(data.join('\n')); } catch (e) { parsed = data.join('\n'); }
                    onEvent(name, parsed);
                }
            }
            function pump() {
                return reader.read().then(function (chunk) {
                    if (chunk.done) { return; }
                    buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, '\n');
                    var index;
                    while ((index = buffer.indexOf('\n\n')) >= 0) {
                        dispatch(buffer.slice(0, index));
                        buffer = buffer.slice(index + 2);
                    }
                    return pump();
                });
            }
            return pump();
        });
    }

    var Crypto = {
        available: function () {
            return !!(window.crypto && window.crypto.subtle && window.indexedDB);
        },
        // ECDSA P-256; the private key is not extractable (only the public key can be exported, as SPKI).
        newKeyPair: function () {
            return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
        },
        publicKeySpki: function (publicKey) {
            return crypto.subtle.exportKey('spki', publicKey).then(b64url);
        },
        // ECDSA with SHA-256 over UTF-8 text; WebCrypto gives r||s (IEEE P1363, 64 bytes), as Idp expects.
        sign: function (privateKey, text) {
            return crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(text)).then(b64url);
        },
        random: function (length) {
            return crypto.getRandomValues(new Uint8Array(length));
        }
    };

    window.IdpApi = {
        ApiError: ApiError,
        Crypto: Crypto,
        b64url: b64url,
        fromB64url: fromB64url,
        setBase: function (url) { base = url.replace(/\/+$/, ''); },
        get base() { return base; },
        register: function (login, password, publicKey, deviceName) {
            return call('POST', '/registrations', { login: login, password: password, publicKey: publicKey, deviceName: deviceName });
        },
        confirm: function (registrationId, code) {
            return call('POST', '/registrations/' + encodeURIComponent(registrationId) + '/confirm', { code: code });
        },
        requests: function (account) {
            return call('GET', '/credentials/' + encodeURIComponent(account.credentialId) + '/requests', undefined, account.accessToken);
        },
        events: function (account, signal, onEvent) {
            return stream('/credentials/' + encodeURIComponent(account.credentialId) + '/events', account.accessToken, signal, onEvent);
        },
        decide: function (account, request, decision, number, signature) {
            return call('POST', '/requests/' + encodeURIComponent(request.requestId) + '/decision',
                { credentialId: account.credentialId, decision: decision, number: number, signature: signature }, account.accessToken);
        },
        putSubscription: function (account, subscription) {
            var json = subscription.toJSON();
            return call('PUT', '/credentials/' + encodeURIComponent(account.credentialId) + '/push-subscription',
                { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } }, account.accessToken);
        },
        removeCredential: function (account) {
            return call('DELETE', '/credentials/' + encodeURIComponent(account.credentialId), undefined, account.accessToken);
        },
        vapidPublicKey: function () {
            return call('GET', '/vapid-public-key').then(function (json) { return json.publicKey; });
        }
    };
})();
