// The TOTP vault: IndexedDB "idp-vault", sealed with a key derived from the user's password.
//   meta    { name: 'meta', salt, iterations, check: { iv, data }, failures, lastAttemptAt }
//   entries { id, name, url, createdAt, sealed: { iv, data } | null }
// The key: PBKDF2 (SHA-256, ITERATIONS, random 16-byte salt) -> AES-GCM 256, non-extractable, in memory only while
// unlocked. Each entry's secret and parameters are sealed with AES-GCM (random 12-byte IV, the entry's id as
// additional data, so a sealed secret cannot be moved to another name); `check` seals a known text to tell a right
// password from a wrong one. Names and URLs stay readable, so after a wipe the user still sees which services to
// re-enrol (as the IT.NRW desktop app does).
// Wrong passwords: from the fifth on, each one locks the form for a doubling wait (10 s, 20 s, ... ); the tenth
// wipes the secrets. An attempt is counted before the password is tried, so a reload during the check does not
// escape the count; a clock set back restarts the wait instead of ending it.
(function () {
    'use strict';
    var DB_NAME = 'idp-vault';
    var ITERATIONS = 600000;
    var LOCK_AFTER = 5;
    var WIPE_AFTER = 10;
    var FIRST_WAIT_MS = 10000;
    var CHECK_TEXT = 'idp-vault-v1';
    var opening = null;
    var key = null;          // the AES-GCM key while unlocked
    var hmacKeys = {};       // entry id -> { key, settings } while unlocked

    function open() {
        if (opening) { return opening; }
        opening = new Promise(function (resolve, reject) {
            if (!window.indexedDB) { reject(new Error('indexedDB')); return; }
            var request = indexedDB.open(DB_NAME, 1);
            request.onupgradeneeded = function () {
                request.result.createObjectStore('meta', { keyPath: 'name' });
                request.result.createObjectStore('entries', { keyPath: 'id' });
            };
            request.onsuccess = function () { resolve(request.result); };
            request.onerror = function () { reject(request.error); };
        });
        return opening;
    }

    function run(stores, mode, work) {
        return open().then(function (db) {
            return new Promise(function (resolve, reject) {
                var tx = db.transaction(stores, mode);
                var result;
                var request = work(tx);
                if (request) { request.onsuccess = function () { result = request.result; }; }
                tx.oncomplete = function () { resolve(result); };
                tx.onerror = function () { reject(tx.error); };
                tx.onabort = function () { reject(tx.error); };
            });
        });
    }

    function meta() { return run('meta', 'readonly', function (tx) { return tx.objectStore('meta').get('meta'); }); }
    function saveMeta(m) { return run('meta', 'readwrite', function (tx) { return tx.objectStore('meta').put(m); }); }
    function entries() {
        return run('entries', 'readonly', function (tx) { return tx.objectStore('entries').getAll(); }).then(function (list) {
            return (list || []).sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : 1; });
        });
    }
    function putEntry(e) { return run('entries', 'readwrite', function (tx) { return tx.objectStore('entries').put(e); }); }

    var encoder = new TextEncoder();
    var decoder = new TextDecoder();

    function deriveKey(password, salt, iterations) {
        return crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveKey']).then(function (base) {
            return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: salt, iterations: iterations },
                base, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
        });
    }

    function seal(aesKey, text, label) {
        var iv = crypto.getRandomValues(new Uint8Array(12));
        return crypto.subtle.encrypt({ name: 'AES-GCM', iv: iv, additionalData: encoder.encode(label) }, aesKey, encoder.encode(text))
            .then(function (data) { return { iv: iv, data: new Uint8Array(data) }; });
    }

    function unseal(aesKey, sealed, label) {
        return crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(label) }, aesKey, sealed.data)
            .then(function (plain) { return decoder.decode(plain); });
    }

    // The manual's password rules, in its order; each { key, met } for the live list.
    function rules(password, repeat) {
        var p = String(password || '');
        return [
            { key: 'upper', met: /\p{Lu}/u.test(p) },
            { key: 'lower', met: /\p{Ll}/u.test(p) },
            { key: 'digit', met: /\p{Nd}/u.test(p) },
            { key: 'special', met: /[^\p{L}\p{Nd}]/u.test(p) },
            { key: 'length', met: Array.from(p).length >= 8 },
            { key: 'repeat', met: p.length > 0 && p === repeat }
        ];
    }

    function waitMs(failures) {
        return failures >= LOCK_AFTER ? FIRST_WAIT_MS * Math.pow(2, failures - LOCK_AFTER) : 0;
    }

    // { state: 'new' | 'locked' | 'unlocked', failures, lockedUntil, wiped }
    function status() {
        return meta().then(function (m) {
            if (m && m.failures >= WIPE_AFTER) { return wipe('failures').then(status); }
            if (!m || !m.check) { return { state: 'new', wiped: m ? m.wiped || null : null }; }
            if (key) { return { state: 'unlocked' }; }
            var now = Date.now();
            if (m.lastAttemptAt && now < m.lastAttemptAt) {
                // The clock went back: the wait starts again from now rather than being skipped.
                m.lastAttemptAt = now;
                return saveMeta(m).then(status);
            }
            var until = m.failures >= LOCK_AFTER ? m.lastAttemptAt + waitMs(m.failures) : 0;
            return { state: 'locked', failures: m.failures || 0, lockedUntil: until > now ? until : 0, wipeAfter: WIPE_AFTER };
        });
    }

    function create(password) {
        if (rules(password, password).some(function (r) { return !r.met; })) { return Promise.reject({ code: 'vault_rules' }); }
        var salt = crypto.getRandomValues(new Uint8Array(16));
        return deriveKey(password, salt, ITERATIONS).then(function (aesKey) {
            return seal(aesKey, CHECK_TEXT, 'check').then(function (check) {
                return saveMeta({ name: 'meta', salt: salt, iterations: ITERATIONS, check: check, failures: 0, lastAttemptAt: 0 });
            }).then(function () { key = aesKey; hmacKeys = {}; });
        });
    }

    // -> { result: 'unlocked' } | { result: 'wrong', failures, lockedUntil } | { result: 'locked', lockedUntil } | { result: 'wiped' }
    function unlock(password) {
        return status().then(function (s) {
            if (s.state !== 'locked') { return { result: s.state === 'unlocked' ? 'unlocked' : 'wiped' }; }
            if (s.lockedUntil) { return { result: 'locked', lockedUntil: s.lockedUntil }; }
            return meta().then(function (m) {
                m.failures = (m.failures || 0) + 1;
                m.lastAttemptAt = Date.now();
                return saveMeta(m).then(function () { return deriveKey(password, m.salt, m.iterations); }).then(function (aesKey) {
                    return unseal(aesKey, m.check, 'check').then(function (text) {
                        if (text !== CHECK_TEXT) { throw new Error('check'); }
                        m.failures = 0;
                        return saveMeta(m).then(function () { key = aesKey; hmacKeys = {}; return loadKeys(); })
                            .then(function () { return { result: 'unlocked' }; });
                    }, function () {
                        if (m.failures >= WIPE_AFTER) { return wipe('failures').then(function () { return { result: 'wiped' }; }); }
                        return { result: 'wrong', failures: m.failures, left: WIPE_AFTER - m.failures, lockedUntil: m.failures >= LOCK_AFTER ? m.lastAttemptAt + waitMs(m.failures) : 0 };
                    });
                });
            });
        });
    }

    function loadKeys() {
        return entries().then(function (list) {
            return Promise.all(list.filter(function (e) { return e.sealed; }).map(function (e) {
                return unseal(key, e.sealed, e.id).then(function (json) {
                    var secret = JSON.parse(json);
                    var settings = Totp.options(secret.algorithm, secret.digits, secret.period);
                    return Totp.importKey(Totp.base32Decode(secret.secret), settings.algorithm).then(function (hmac) {
                        hmacKeys[e.id] = { key: hmac, settings: settings };
                    });
                });
            }));
        });
    }

    function lock() { key = null; hmacKeys = {}; }

    // Forgets the password and every secret; the names and URLs stay. `reason`: 'failures' or 'reset'.
    function wipe(reason) {
        lock();
        return run(['meta', 'entries'], 'readwrite', function (tx) {
            var store = tx.objectStore('entries');
            store.getAll().onsuccess = function (event) {
                event.target.result.forEach(function (e) { e.sealed = null; store.put(e); });
            };
            return tx.objectStore('meta').put({ name: 'meta', wiped: reason, failures: 0 });
        });
    }

    function requireKey() {
        if (!key) { return Promise.reject({ code: 'vault_locked' }); }
        return Promise.resolve(key);
    }

    // entry: { name, url, secret (Base32), algorithm, digits, period }; id given to replace an entry.
    function save(entry, id) {
        var settings = Totp.options(entry.algorithm, entry.digits, entry.period);
        var secret = Totp.normalizeSecret(entry.secret);
        var name = String(entry.name || '').trim();
        if (!name) { return Promise.reject({ code: 'vault_name' }); }
        if (!settings) { return Promise.reject({ code: 'vault_parameters' }); }
        return requireKey().then(function () {
            return id ? run('entries', 'readonly', function (tx) { return tx.objectStore('entries').get(id); }) : null;
        }).then(function (existing) {
            var record = existing || { id: crypto.randomUUID(), createdAt: new Date().toISOString(), sealed: null };
            record.name = name.slice(0, 100);
            record.url = String(entry.url || '').trim().slice(0, 300);
            if (!secret) {
                // Editing without a new token keeps the sealed one.
                if (!existing || !existing.sealed) { return Promise.reject({ code: 'vault_secret' }); }
                return putEntry(record).then(function () { return record; });
            }
            var bytes = Totp.base32Decode(secret);
            if (!bytes || bytes.length < 10) { return Promise.reject({ code: 'vault_secret' }); }
            var plain = JSON.stringify({ secret: secret, algorithm: settings.algorithm, digits: settings.digits, period: settings.period });
            return seal(key, plain, record.id).then(function (sealed) {
                record.sealed = sealed;
                return putEntry(record);
            }).then(function () { return Totp.importKey(bytes, settings.algorithm); }).then(function (hmac) {
                hmacKeys[record.id] = { key: hmac, settings: settings };
                return record;
            });
        });
    }

    function remove(id) {
        delete hmacKeys[id];
        return requireKey().then(function () { return run('entries', 'readwrite', function (tx) { return tx.objectStore('entries').delete(id); }); });
    }

    // -> { code, secondsLeft, period } for an entry with a secret, while unlocked; null otherwise.
    function code(id, timeMs) {
        var k = hmacKeys[id];
        if (!k) { return Promise.resolve(null); }
        return Totp.codeWithKey(k.key, k.settings, timeMs).then(function (c) {
            return { code: c, secondsLeft: Totp.secondsLeft(k.settings, timeMs), period: k.settings.period };
        });
    }

    window.Vault = {
        rules: rules, status: status, create: create, unlock: unlock, lock: lock, wipe: wipe,
        entries: entries, entry: function (id) { return run('entries', 'readonly', function (tx) { return tx.objectStore('entries').get(id); }); },
        save: save, remove: remove, code: code,
        settings: function (id) { return hmacKeys[id] ? hmacKeys[id].settings : null; },
        get unlocked() { return key !== null; },
        WIPE_AFTER: WIPE_AFTER, LOCK_AFTER: LOCK_AFTER
    };
})();
