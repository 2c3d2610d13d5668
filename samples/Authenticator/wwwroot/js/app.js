// The companion authenticator: accounts ("Zugänge"), add account, confirm with the SMS code, pending approvals
// ("Freigabe") with number matching, remove account. Hash routes: #/accounts, #/add, #/confirm/<id>, #/approve,
// #/remove/<credentialId>. Open, the app hears of requests through each account's event stream; closed, through
// Web Push (sw.js shows a notification that opens #/approve).
(function () {
    'use strict';
    var t = I18n.t;
    var Api = IdpApi;
    var main = document.getElementById('main');
    var pending = {};          // requestId -> { account, request }
    var streams = {};          // credentialId -> AbortController
    var accountsCache = [];

    // ---- small DOM helpers ------------------------------------------------------------------------
    function el(tag, attributes, children) {
        var node = document.createElement(tag);
        Object.keys(attributes || {}).forEach(function (name) {
            var value = attributes[name];
            if (value === null || value === undefined || value === false) { return; }
            if (name === 'text') { node.textContent = value; }
            else if (name === 't') { node.setAttribute('data-t', value); node.textContent = t(value); }
            else if (name === 'on') { Object.keys(value).forEach(function (event) { node.addEventListener(event, value[event]); }); }
            else { node.setAttribute(name, value === true ? '' : value); }
        });
        (children || []).forEach(function (child) {
            if (child !== null && child !== undefined) { node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); }
        });
        return node;
    }

    function show(title, children) {
        main.textContent = '';
        main.appendChild(el('h1', { text: title }));
        children.forEach(function (child) { if (child) { main.appendChild(child); } });
        main.focus();
    }

    function message(kind, text, id) {
        return el('p', { 'class': kind, role: kind === 'error' ? 'alert' : 'status', id: id, text: text });
    }

    function errorText(error) {
        if (error && error.code === 'verify') { return t('approve.verifyFailed'); }
        var key = 'error.' + (error && error.code ? error.code : 'generic');
        var text = t(key);
        return text === key ? t('error.generic', error && error.code ? error.code : String(error)) : text;
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
        renderRequests();
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
                    Object.keys(pending).forEach(function (id) { if (pending[id].account.credentialId === account.credentialId) { delete pending[id]; } });
                    return DeviceStore.removeAccount(account.credentialId);
                }).then(function () {
                    updateBadge();
                    navigate('#/accounts');
                }).catch(function (error) {
                    form.querySelector('#remove-account').disabled = false;
                    status.appendChild(message('error', errorText(error), 'remove-error'));
                });
            });
            show(t('remove.title'), [form]);
        });
    }

    // ---- pending requests ----------------------------------------------------------------------------------
    function addRequest(account, request) {
        if (!request || !request.requestId || new Date(request.expiresAt) <= new Date()) { return; }
        if (!pending[request.requestId]) {
            pending[request.requestId] = { account: account, request: request };
        }
        renderRequests();
    }

    function dropRequest(requestId) {
        delete pending[requestId];
        var card = document.querySelector('[data-request-id="' + CSS.escape(requestId) + '"]');
        if (card && !card.hasAttribute('data-done')) { card.remove(); }
        renderRequests();
    }

    function refreshRequests() {
        return DeviceStore.accounts().then(function (accounts) {
            accountsCache = accounts;
            return Promise.all(accounts.map(function (account) {
                return Api.requests(account).then(function (requests) {
                    (requests || []).forEach(function (r) { addRequest(account, r); });
                }).catch(function () { /* offline or removed: the stream retries */ });
            }));
        });
    }

    function renderRequests() {
        updateBadge();
        var list = document.getElementById('requests');
        if (!list) { return; }
        var now = new Date();
        Object.keys(pending).forEach(function (id) {
            if (new Date(pending[id].request.expiresAt) <= now) { delete pending[id]; }
        });
        Array.prototype.forEach.call(list.querySelectorAll('[data-request-id]'), function (card) {
            if (!pending[card.getAttribute('data-request-id')] && !card.hasAttribute('data-done')) { card.remove(); }
        });
        Object.keys(pending).sort(function (a, b) {
            return new Date(pending[b].request.createdAt) - new Date(pending[a].request.createdAt);
        }).forEach(function (id) {
            if (!list.querySelector('[data-request-id="' + CSS.escape(id) + '"]')) {
                list.appendChild(requestCard(pending[id].account, pending[id].request));
            }
        });
        var empty = document.getElementById('no-requests');
        if (empty) { empty.hidden = list.children.length > 0; }
    }

    function requestCard(account, request) {
        var status = el('div', { 'class': 'request-status' });
        var legendId = 'legend-' + request.requestId;
        var choices = (request.numberChoices || []).map(function (number) {
            return el('label', {}, [
                el('input', { type: 'radio', name: 'number', value: String(number), 'class': 'number-choice' }),
                el('span', { 'class': 'choice', text: String(number) })
            ]);
        });
        var form = el('form', { 'class': 'card request', 'data-request-id': request.requestId, novalidate: true, 'aria-labelledby': 'title-' + request.requestId }, [
            el('h2', { id: 'title-' + request.requestId }, [
                document.createTextNode(request.portalName),
                request.isTest ? el('span', { 'class': 'test', t: 'approve.test' }) : null
            ]),
            el('dl', {}, [
                el('dt', { t: 'approve.account' }), el('dd', { text: (account.displayName ? account.displayName + ' · ' : '') + account.accountNumber }),
                el('dt', { t: 'approve.time' }), el('dd', { text: I18n.formatTime(request.createdAt) }),
                el('dt', { t: 'approve.ip' }), el('dd', { 'class': 'ip', text: request.ipAddress || '–' }),
                el('dt', { t: 'approve.browser' }), el('dd', { 'class': 'browser', text: request.browser || '–' })
            ]),
            el('fieldset', { 'class': 'numbers' }, [
                el('legend', { id: legendId, t: 'approve.pick' }),
                el('div', { 'class': 'choices', role: 'radiogroup', 'aria-labelledby': legendId }, choices)
            ]),
            status,
            el('div', { 'class': 'actions' }, [
                el('button', { type: 'submit', 'class': 'button approve', value: 'approve', t: 'approve.approve' }),
                el('button', { type: 'button', 'class': 'button deny', value: 'deny', t: 'approve.deny' })
            ])
        ]);
        function decide(decision) {
            status.textContent = '';
            var picked = form.querySelector('input[name="number"]:checked');
            if (decision === 'approve' && !picked) {
                status.appendChild(message('error', t('approve.pickFirst')));
                return;
            }
            var number = decision === 'approve' ? parseInt(picked.value, 10) : 0;
            var buttons = form.querySelectorAll('button');
            Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
            // The device's own check first (where the platform has one); then the signature over
            // {requestId}.{challenge}.{decision}.{number} with this account's non-extractable key.
            DeviceCheck.verify().then(function () {
                return Api.Crypto.sign(account.privateKey, request.requestId + '.' + request.challenge + '.' + decision + '.' + number);
            }).then(function (signature) {
                return Api.decide(account, request, decision, number, signature);
            }).then(function () {
                form.setAttribute('data-done', decision);
                form.querySelector('fieldset').disabled = true;
                form.querySelector('.actions').remove();
                status.appendChild(message('success', t(decision === 'approve' ? 'approve.approved' : 'approve.denied'), 'decision-done'));
                delete pending[request.requestId];
                updateBadge();
            }).catch(function (error) {
                var final = error && (error.code === 'wrong_number' || error.code === 'expired' || error.code === 'not_found');
                if (final) {
                    form.setAttribute('data-done', 'error');
                    form.querySelector('.actions').remove();
                    delete pending[request.requestId];
                    updateBadge();
                } else {
                    Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
                }
                status.appendChild(message('error', errorText(error), 'decision-error'));
            });
        }
        form.addEventListener('submit', function (event) { event.preventDefault(); decide('approve'); });
        form.querySelector('button.deny').addEventListener('click', function () { decide('deny'); });
        return form;
    }

    function updateBadge() {
        var count = Object.keys(pending).length;
        var badge = document.getElementById('pending-count');
        badge.textContent = String(count);
        badge.hidden = count === 0;
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
                if (name === 'request') { addRequest(account, data); }
                else if (name === 'decided' && data && data.requestId) { dropRequest(data.requestId); }
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
        else {
            work = DeviceStore.accounts().then(function (accounts) { navigate(accounts.length ? '#/approve' : '#/accounts'); });
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
        setInterval(renderRequests, 5000);
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
