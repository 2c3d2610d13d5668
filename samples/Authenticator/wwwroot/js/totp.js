// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) with WebCrypto's HMAC: SHA-1, SHA-256 and SHA-512,
// 6 to 8 digits, any period; Base32 secrets (RFC 4648) and otpauth:// links (the Key URI Format that Idp's
// enrolment page and QR code carry).
(function () {
    'use strict';
    var HASHES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' };
    var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

    // Base32 without padding; spaces, hyphens and lower case are forgiven (people type secrets in groups).
    function base32Decode(text) {
        var clean = String(text || '').toUpperCase().replace(/[\s-]/g, '').replace(/=+$/, '');
        if (!clean || !/^[A-Z2-7]+$/.test(clean)) { return null; }
        var bits = 0, value = 0, out = [];
        for (var i = 0; i < clean.length; i++) {
            value = (value << 5) | ALPHABET.indexOf(clean[i]);
            bits += 5;
            if (bits >= 8) {
                out.push((value >>> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return new Uint8Array(out);
    }

    function normalizeSecret(text) {
        return String(text || '').toUpperCase().replace(/[\s-]/g, '').replace(/=+$/, '');
    }

    // Parameters as an otpauth link or a typed entry gives them; anything outside what we can compute is refused.
    function options(algorithm, digits, period) {
        var alg = String(algorithm || 'SHA1').toUpperCase().replace('-', '');
        var d = digits === undefined || digits === null || digits === '' ? 6 : Number(digits);
        var p = period === undefined || period === null || period === '' ? 30 : Number(period);
        if (!HASHES[alg] || !(d >= 6 && d <= 8 && d % 1 === 0) || !(p >= 1 && p <= 300 && p % 1 === 0)) { return null; }
        return { algorithm: alg, digits: d, period: p };
    }

    // otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…
    function parseUri(text) {
        var url;
        try { url = new URL(String(text || '').trim()); } catch (e) { return { error: 'link' }; }
        if (url.protocol !== 'otpauth:') { return { error: 'link' }; }
        if ((url.host || url.pathname.replace(/^\/\//, '').split('/')[0]).toLowerCase() !== 'totp') { return { error: 'hotp' }; }
        var label = decodeURIComponent(url.pathname.replace(/^\/\/totp/i, '').replace(/^\//, ''));
        var params = url.searchParams;
        var secret = normalizeSecret(params.get('secret'));
        if (!base32Decode(secret)) { return { error: 'secret' }; }
        var settings = options(params.get('algorithm'), params.get('digits'), params.get('period'));
        if (!settings) { return { error: 'parameters' }; }
        var issuer = params.get('issuer') || (label.indexOf(':') >= 0 ? label.split(':')[0] : '');
        var account = label.indexOf(':') >= 0 ? label.slice(label.indexOf(':') + 1) : label;
        var name = (issuer && account ? issuer + ' (' + account.trim() + ')' : issuer || account || 'TOTP').slice(0, 100);
        return { name: name, issuer: issuer, secret: secret, algorithm: settings.algorithm, digits: settings.digits, period: settings.period };
    }

    // A non-extractable HMAC key: once imported, the secret's bytes are no longer needed in memory.
    function importKey(secretBytes, algorithm) {
        return crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: HASHES[algorithm] || 'SHA-1' }, false, ['sign']);
    }

    function counterBytes(counter) {
        var bytes = new Uint8Array(8);
        var high = Math.floor(counter / 4294967296);
        var low = counter - high * 4294967296;
        new DataView(bytes.buffer).setUint32(0, high);
        new DataView(bytes.buffer).setUint32(4, low);
        return bytes;
    }

    // RFC 4226 section 5.3: dynamic truncation, then the last `digits` decimal digits.
    function codeWithKey(key, settings, timeMs) {
        var counter = Math.floor(Math.floor(timeMs / 1000) / settings.period);
        return crypto.subtle.sign('HMAC', key, counterBytes(counter)).then(function (mac) {
            var h = new Uint8Array(mac);
            var offset = h[h.length - 1] & 0x0f;
            var binary = ((h[offset] & 0x7f) << 24) | (h[offset + 1] << 16) | (h[offset + 2] << 8) | h[offset + 3];
            var code = String(binary % Math.pow(10, settings.digits));
            while (code.length < settings.digits) { code = '0' + code; }
            return code;
        });
    }

    function code(secretBytes, settings, timeMs) {
        return importKey(secretBytes, settings.algorithm).then(function (key) { return codeWithKey(key, settings, timeMs); });
    }

    function secondsLeft(settings, timeMs) {
        return settings.period - Math.floor(timeMs / 1000) % settings.period;
    }

    window.Totp = {
        base32Decode: base32Decode, normalizeSecret: normalizeSecret, options: options, parseUri: parseUri,
        importKey: importKey, codeWithKey: codeWithKey, code: code, secondsLeft: secondsLeft
    };
})();
