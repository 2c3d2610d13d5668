// The companion authenticator: accounts ("Zugänge"), add account, confirm with the SMS code, pending approvals
// ("Freigabe") with number matching, remove account. Hash routes: #/accounts, #/add, #/confirm/<id>, #/approve,
// #/remove/<credentialId>; #/codes… is the TOTP side (codes.js). Open, the app hears of requests through each account's event stream; closed, through
// Web Push (sw.js shows a notification that opens #/approve). The list of requests itself is requests.js.
(function () {
    'use strict';
    var t = I18n.t;
    var Api = IdpApi;
    var main = document.getElementById('main');
    var streams = {};          // credentialId -> AbortController
    var accountsCache = [];
    var el = Ui.el;
    var message = Ui.message;
    var errorText = Ui.errorText;

    // ---- small DOM helpers ------------------------------------------------------------------------
    function show(title, children) {
        main.textContent = '';
        main.appendChild(el('h1', { text: title }));
        children.forEach(function (child) { if (child) { main.appendChild(child); } });
        main.focus();
    }

    function field(id, labelKey, attributes, hintKey) {
        var input = el('input', Object.assign({ id: id, name: id, 'aria-describedby': hintKey ? id + '-hint' : null }, attributes));
        return el('div', {}, [
            el('label', { 'for': id, t: labelKey }),
            hintKey ? el('p', { 'class': 'hint', id: id + '-hint', t: hintKey }) : null,
            input
        ]);
    }

    function navigate(hash) {
        if (location.hash === hash) { route(); } else { location.hash = hash; }
    }

    // ---- views ----------------------------------------------------------------------------------------
    function accountsView() {
        return Promise.all([DeviceStore.accounts(), DeviceStore.registrations()]).then(function (loaded) {
            var accounts = loaded[0];
            var registrations = loaded[1];
            var items = accounts.map(function (account) {
                return el('li', { 'class': 'card account', 'data-account': account.accountNumber }, [
                    el('h2', { text: account.displayName || account.accountNumber }),
                    el('dl', {}, [
                        el('dt', { t: 'accounts.number' }), el('dd', { text: account.accountNumber }),
                        el('dt', { text: 'Idp' }), el('dd', { text: account.issuer }),
                        el('dt', { t: 'accounts.since' }), el('dd', { text: I18n.formatTime(account.createdAt) })
                    ]),
                    el('a', { 'class': 'button secondary remove', href: '#/remove/' + encodeURIComponent(account.credentialId), t: 'accounts.remove' })
                ]);
            });
            var waiting = registrations.map(function (r) {
                return el('li', { 'class': 'card' }, [
                    el('h2', { text: r.login }),
                    el('p', { t: 'accounts.waiting' }),
                    el('a', { 'class': 'button', href: '#/confirm/' + encodeURIComponent(r.registrationId), t: 'accounts.continue' })
                ]);
            });
            show(t('accounts.title'), [
                accounts.length === 0 ? el('p', { id: 'no-accounts', t: 'accounts.none' }) : null,
                accounts.length === 0 ? el('p', { 'class': 'hint', t: 'accounts.noneHint' }) : null,
                accounts.length === 0 ? el('p', { 'class': 'hint', id: 'codes-hint' }, [t('accounts.codesHint') + ' ', el('a', { href: '#/codes', t: 'accounts.codesLink' })]) : null,
                el('ul', { 'class': 'accounts', id: 'accounts' }, items.concat(waiting)),
                el('p', {}, [el('a', { 'class': 'button', href: '#/add', id: 'add-account', t: 'accounts.add' })])
            ]);
        });
    }

    function addView() {
        var status = el('div', { id: 'add-status' });
        var form = el('form', { id: 'add-form', novalidate: true, 'class': 'card' }, [
            el('p', { t: 'add.lead' }),
            field('login', 'add.login', { type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' }, 'add.loginHint'),
            field('password', 'add.password', { type: 'password', autocomplete: 'current-password', required: true }),
            field('device-name', 'add.device', { type: 'text', autocomplete: 'off', value: defaultDeviceName(), maxlength: '60' }),
            status,
            el('div', { 'class': 'actions' }, [
                el('button', { type: 'submit', 'class': 'button', id: 'register-key', t: 'add.submit' }),
                el('a', { 'class': 'button secondary', href: '#/accounts', t: 'add.cancel' })
            ])
        ]);
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var login = form.querySelector('#login').value.trim();
            var password = form.querySelector('#password').value;
            var device = form.querySelector('#device-name').value.trim() || defaultDeviceName();
            status.textContent = '';
            if (!login || !password) { status.appendChild(message('error', t('error.invalid_request'))); return; }
            if (!Api.Crypto.available()) { status.appendChild(message('error', t('error.crypto'))); return; }
            var button = form.querySelector('#register-key');
            button.disabled = true;
            var keyPair;
            Api.Crypto.newKeyPair().then(function (pair) {
                keyPair = pair;
                return Api.Crypto.publicKeySpki(pair.publicKey);
            }).then(function (spki) {
                return Api.register(login, password, spki, device);
            }).then(function (started) {
                return DeviceStore.saveRegistration({
                    registrationId: started.registrationId, issuer: Api.base, login: login,
                    maskedPhone: started.maskedPhone, expiresAt: started.expiresAt, privateKey: keyPair.privateKey
                }).then(function () { navigate('#/confirm/' + encodeURIComponent(started.registrationId)); });
            }).catch(function (error) {
                button.disabled = false;
                status.appendChild(message('error', errorText(error), 'add-error'));
            });
        });
        show(t('add.title'), [form]);
        return Promise.resolve();
    }

    function confirmView(registrationId) {
        return DeviceStore.registration(registrationId).then(function (registration) {
            if (!registration) { navigate('#/accounts'); return; }
            var status = el('div', { id: 'confirm-status' });
            var form = el('form', { id: 'confirm-form', novalidate: true, 'class': 'card' }, [
                el('p', { text: t('confirm.lead', registration.maskedPhone, I18n.formatTime(registration.expiresAt)) }),
                field('code', 'confirm.code', { type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{8}', maxlength: '8', required: true }, 'confirm.codeHint'),
                status,
                el('div', { 'class': 'actions' }, [
                    el('button', { type: 'submit', 'class': 'button', id: 'finish-registration', t: 'confirm.submit' })
                ])
            ]);
            form.addEventListener('submit', function (event) {
                event.preventDefault();
                var code = form.querySelector('#code').value.replace(/\s+/g, '');
                status.textContent = '';
                if (!/^[0-9]{8}$/.test(code)) { status.appendChild(message('error', t('error.invalid_code'))); return; }
                var button = form.querySelector('#finish-registration');
                button.disabled = true;
                // Set up the platform check while the tap still counts as a user gesture.
                var platform = DeviceCheck.setUp();
                Api.confirm(registration.registrationId, code).then(function (confirmed) {
                    var account = {
                        credentialId: confirmed.credentialId, accessToken: confirmed.accessToken,
                        accountNumber: confirmed.accountNumber, displayName: confirmed.displayName,
                        issuer: registration.issuer, privateKey: registration.privateKey, createdAt: new Date().toISOString()
                    };
                    return DeviceStore.saveAccount(account)
                        .then(function () { return DeviceStore.removeRegistration(registration.registrationId); })
                        .then(function () {
                            startStream(account);
                            subscribePush(account);
                            return platform.catch(function () { return null; });
                        })
                        .then(function () {
                            sessionStorage.setItem('flash', t('confirm.done', confirmed.accountNumber));
                            navigate('#/approve');
                        });
                }).catch(function (error) {
                    button.disabled = false;
                    if (error && error.code === 'expired') { DeviceStore.removeRegistration(registration.registrationId); }
                    status.appendChild(message('error', errorText(error), 'confirm-error'));
                });
            });
            show(t('confirm.title'), [form]);
        });
    }

    function approveView() {
        var flash = sessionStorage.getItem('flash');
        sessionStorage.removeItem('flash');
        var list = el('div', { id: 'requests' });
        var empty = el('div', { id: 'no-requests' }, [el('p', { t: 'approve.none' }), el('p', { 'class': 'hint', t: 'approve.noneHint' })]);
        show(t('approve.title'), [flash ? message('success', flash, 'flash') : null, empty, list]);
        Requests.render();
        return refreshRequests();
    }

    function removeView(credentialId) {
        return DeviceStore.account(credentialId).then(function (account) {
            if (!account) { navigate('#/accounts'); return; }
            var status = el('div', { id: 'remove-status' });
            var form = el('form', { id: 'remove-form', novalidate: true, 'class': 'card' }, [
                el('p', { text: t('remove.lead', account.accountNumber) }),
                status,
                el('div', { 'class': 'actions' }, [
                    el('button', { type: 'submit', 'class': 'button deny', id: 'remove-account', t: 'remove.submit' }),
                    el('a', { 'class': 'button secondary', href: '#/accounts', t: 'add.cancel' })
                ])
            ]);
            form.addEventListener('submit', function (event) {
                event.preventDefault();
                form.querySelector('#remove-account').disabled = true;
                Api.removeCredential(account).catch(function (error) {
                    // Already gone at Idp (removed from the profile): remove it here too.
                    if (error && error.code !== 'not_found') { throw error; }
                }).then(function () {
                    stopStream(account.credentialId);
                    Requests.forgetAccount(account.credentialId);
                    return DeviceStore.removeAccount(account.credentialId);
                }).then(function () {
                    navigate('#/accounts');
                }).catch(function (error) {
                    form.querySelector('#remove-account').disabled = false;
                    status.appendChild(message('error', errorText(error), 'remove-error'));
                });
            });
            show(t('remove.title'), [form]);
        });
    }

    function refreshRequests() {
        return DeviceStore.accounts().then(function (accounts) {
            accountsCache = accounts;
            return Requests.refresh(accounts);
        });
    }

    // ---- event streams (open app) ----------------------------------------------------------------------------
    function startStream(account) {
        if (streams[account.credentialId]) { return; }
        var controller = new AbortController();
        streams[account.credentialId] = controller;
        var delay = 1000;
        function connect() {
            if (controller.signal.aborted) { return; }
            Api.events(account, controller.signal, function (name, data) {
                delay = 1000;
                if (name === 'request') { Requests.add(account, data); }
                else if (name === 'decided' && data && data.requestId) { Requests.drop(data.requestId); }
            }).then(function () {
                setTimeout(connect, delay);
            }).catch(function (error) {
                if (controller.signal.aborted) { return; }
                if (error && error.code === 'not_found') {
                    // The account was removed at Idp (e.g. from the profile): stop listening.
                    delete streams[account.credentialId];
                    return;
                }
                delay = Math.min(delay * 2, 30000);
                setTimeout(connect, delay);
            });
        }
        connect();
    }

    function stopStream(credentialId) {
        if (streams[credentialId]) {
            streams[credentialId].abort();
            delete streams[credentialId];
        }
    }

    // ---- Web Push (closed app) -----------------------------------------------------------------------------
    function withTimeout(promise, ms) {
        return Promise.race([promise, new Promise(function (resolve, reject) { setTimeout(function () { reject(new Error('timeout')); }, ms); })]);
    }

    function subscribePush(account) {
        if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) { return Promise.resolve(); }
        return withTimeout(Promise.resolve(Notification.permission === 'default' ? Notification.requestPermission() : Notification.permission), 10000)
            .then(function (permission) {
                if (permission !== 'granted') { return null; }
                return Promise.all([navigator.serviceWorker.ready, Api.vapidPublicKey()]).then(function (ready) {
                    var registration = ready[0];
                    var serverKey = Api.fromB64url(ready[1]);
                    return registration.pushManager.getSubscription().then(function (existing) {
                        if (existing && existing.options && existing.options.applicationServerKey
                            && Api.b64url(existing.options.applicationServerKey) !== ready[1]) {
                            return existing.unsubscribe().then(function () { return null; });
                        }
                        return existing;
                    }).then(function (existing) {
                        return existing || withTimeout(registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: serverKey }), 15000);
                    });
                });
            })
            .then(function (subscription) { return subscription ? Api.putSubscription(account, subscription) : null; })
            .catch(function () { /* no push service here (e.g. offline, headless): the open app still gets requests */ });
    }

    // ---- start-up ----------------------------------------------------------------------------------------
    function defaultDeviceName() {
        var ua = navigator.userAgent;
        var platform = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
        var browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
        return (browser + (platform ? ' on ' + platform : '')).slice(0, 60);
    }

    function route() {
        var parts = (location.hash || '').replace(/^#\/?/, '').split('/');
        var view = parts[0];
        var arg = parts[1] ? decodeURIComponent(parts[1]) : null;
        Array.prototype.forEach.call(document.querySelectorAll('#nav a'), function (a) {
            if (a.getAttribute('href') === '#/' + view) { a.setAttribute('aria-current', 'page'); } else { a.removeAttribute('aria-current'); }
        });
        var work;
        if (view === 'add') { work = addView(); }
        else if (view === 'confirm' && arg) { work = confirmView(arg); }
        else if (view === 'approve') { work = approveView(); }
        else if (view === 'remove' && arg) { work = removeView(arg); }
        else if (view === 'accounts') { work = accountsView(); }
        else if (view === 'codes') { work = Codes.route(arg, parts[2] ? decodeURIComponent(parts[2]) : null); }
        else {
            // Push accounts: the approvals; otherwise a vault in use: its codes; else the start of both.
            work = Promise.all([DeviceStore.accounts(), Vault.status()]).then(function (found) {
                navigate(found[0].length ? '#/approve' : found[1].state !== 'new' ? '#/codes' : '#/accounts');
            });
        }
        return Promise.resolve(work).catch(function (error) {
            show(t('app.name'), [message('error', errorText(error))]);
        });
    }

    function online() { document.getElementById('offline').hidden = navigator.onLine !== false; }

    function start() {
        var language = document.getElementById('language');
        function label() {
            language.textContent = t('lang.switch');
            language.setAttribute('lang', t('lang.tag'));
        }
        language.addEventListener('click', function () {
            I18n.set(t('lang.tag'));
            label();
            route();
        });
        I18n.apply();
        label();
        online();
        window.addEventListener('online', function () { online(); refreshRequests(); });
        window.addEventListener('offline', online);
        window.addEventListener('hashchange', route);
        if ('serviceWorker' in navigator) {
            navigator.serviceWorker.register('/sw.js').catch(function () { /* no offline shell, the app still works */ });
        }
        setInterval(Requests.render, 5000);
        fetch('/config.json', { cache: 'no-cache' }).then(function (r) { return r.json(); }).then(function (config) {
            Api.setBase(config.idpUrl);
            return DeviceStore.accounts();
        }).then(function (accounts) {
            accountsCache = accounts;
            accounts.forEach(startStream);
            return route();
        }).catch(function (error) {
            show(t('app.name'), [message('error', errorText(error && error.name === 'Error' && error.message === 'indexedDB' ? { code: 'crypto' } : { code: 'network' }))]);
        });
    }

    window.addEventListener('DOMContentLoaded', start);
})();
