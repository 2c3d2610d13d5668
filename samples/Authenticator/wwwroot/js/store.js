// The device's storage: IndexedDB, database "idp-authenticator". Private keys are WebCrypto CryptoKey objects
// created with extractable = false: IndexedDB stores them by structured clone, and neither this script nor anyone
// else can export them; only sign() works with them.
//   accounts      { credentialId, accessToken, accountNumber, displayName, issuer, privateKey, createdAt }
//   registrations { registrationId, issuer, login, maskedPhone, expiresAt, privateKey }  (waiting for the SMS code)
//   settings      { name, value }  (the platform check's credential id)
(function () {
    'use strict';
    var DB_NAME = 'idp-authenticator';
    var VERSION = 1;
    var opening = null;

    function open() {
        if (opening) {
            return opening;
        }
        opening = new Promise(function (resolve, reject) {
            if (!window.indexedDB) {
                reject(new Error('indexedDB'));
                return;
            }
            var request = indexedDB.open(DB_NAME, VERSION);
            request.onupgradeneeded = function () {
                var db = request.result;
                if (!db.objectStoreNames.contains('accounts')) { db.createObjectStore('accounts', { keyPath: 'credentialId' }); }
                if (!db.objectStoreNames.contains('registrations')) { db.createObjectStore('registrations', { keyPath: 'registrationId' }); }
                if (!db.objectStoreNames.contains('settings')) { db.createObjectStore('settings', { keyPath: 'name' }); }
            };
            request.onsuccess = function () { resolve(request.result); };
            request.onerror = function () { reject(request.error); };
        });
        return opening;
    }

    function run(storeName, mode, work) {
        return open().then(function (db) {
            return new Promise(function (resolve, reject) {
                var tx = db.transaction(storeName, mode);
                var result;
                var request = work(tx.objectStore(storeName));
                if (request) {
                    request.onsuccess = function () { result = request.result; };
                }
                tx.oncomplete = function () { resolve(result); };
                tx.onerror = function () { reject(tx.error); };
                tx.onabort = function () { reject(tx.error); };
            });
        });
    }

    window.DeviceStore = {
        accounts: function () { return run('accounts', 'readonly', function (s) { return s.getAll(); }).then(function (list) { return list || []; }); },
        account: function (id) { return run('accounts', 'readonly', function (s) { return s.get(id); }); },
        saveAccount: function (account) { return run('accounts', 'readwrite', function (s) { return s.put(account); }); },
        removeAccount: function (id) { return run('accounts', 'readwrite', function (s) { return s.delete(id); }); },
        registrations: function () { return run('registrations', 'readonly', function (s) { return s.getAll(); }).then(function (list) { return list || []; }); },
        registration: function (id) { return run('registrations', 'readonly', function (s) { return s.get(id); }); },
        saveRegistration: function (r) { return run('registrations', 'readwrite', function (s) { return s.put(r); }); },
        removeRegistration: function (id) { return run('registrations', 'readwrite', function (s) { return s.delete(id); }); },
        setting: function (name) { return run('settings', 'readonly', function (s) { return s.get(name); }).then(function (row) { return row ? row.value : null; }); },
        saveSetting: function (name, value) { return run('settings', 'readwrite', function (s) { return s.put({ name: name, value: value }); }); }
    };
})();
