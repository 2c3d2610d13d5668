// The TOTP side ("Codes"): the saved "Verfahren" with their current code and "Aktualisierung in …", copy, the
// "Zwischenablage" mode (the newest code of the last copied entry kept on the clipboard), add (QR code with the
// camera where BarcodeDetector exists, an otpauth:// link, or name + token + URL typed), edit and delete.
// Routes: #/codes, #/codes/add, #/codes/edit/<id>, #/codes/delete/<id>, #/codes/reset. Locked or new, #/codes
// shows the vault's password views (vault-views.js).
(function () {
    'use strict';
    var t = I18n.t;
    var el = Ui.el;
    var message = Ui.message;
    var ticker = null;
    var clipboard = { on: false, entryId: null, code: null };

    function describe(settings) {
        return t('codes.details', settings.algorithm.replace('SHA', 'SHA-'), settings.digits, settings.period);
    }

    function listView() {
        return Vault.entries().then(function (entries) {
            var items = entries.map(function (entry) {
                var children = [el('h2', { text: entry.name })];
                if (entry.url) { children.push(el('p', { 'class': 'hint' }, [el('a', { href: entry.url, rel: 'noopener', target: '_blank', text: entry.url })])); }
                if (entry.sealed) {
                    children.push(el('p', { 'class': 'otp', 'aria-live': 'off', 'data-code': '' }, ['––––––']));
                    children.push(el('p', { 'class': 'countdown' }, [el('span', { 'class': 'left' }), el('progress', { max: '30', value: '0', 'aria-hidden': 'true' })]));
                } else {
                    children.push(el('p', { 'class': 'missing', t: 'codes.missing' }));
                }
                children.push(el('div', { 'class': 'actions' }, [
                    entry.sealed ? el('button', { type: 'button', 'class': 'button copy', t: 'codes.copy', on: { click: function () { copy(entry.id); } } }) : null,
                    el('a', { 'class': 'button secondary edit', href: '#/codes/edit/' + encodeURIComponent(entry.id), t: 'codes.edit' }),
                    el('a', { 'class': 'button secondary delete', href: '#/codes/delete/' + encodeURIComponent(entry.id), t: 'codes.delete' })
                ]));
                return el('li', { 'class': 'card code-entry', 'data-entry': entry.id }, children);
            });
            var auto = el('input', { type: 'checkbox', id: 'clipboard-auto', checked: clipboard.on });
            auto.addEventListener('change', function () { clipboard.on = auto.checked; if (!auto.checked) { clipboard.code = null; } tick(); });
            Ui.show(t('codes.title'), [
                entries.length === 0 ? el('p', { id: 'no-codes', t: 'codes.none' }) : null,
                el('ul', { 'class': 'accounts', id: 'codes' }, items),
                el('div', { 'class': 'actions' }, [
                    el('a', { 'class': 'button', href: '#/codes/add', id: 'add-code', t: 'codes.add' }),
                    el('button', { type: 'button', 'class': 'button secondary', id: 'vault-lock', t: 'codes.lock', on: { click: function () { Vault.lock(); Ui.navigate('#/codes'); } } })
                ]),
                entries.some(function (e) { return e.sealed; }) ? el('div', { 'class': 'card' }, [
                    el('div', { 'class': 'check' }, [auto, el('label', { 'for': 'clipboard-auto', t: 'codes.clipboardAuto' })]),
                    el('p', { 'class': 'hint', id: 'clipboard-status', role: 'status' })
                ]) : null
            ]);
            start();
        });
    }

    function start() {
        clearInterval(ticker);
        tick();
        ticker = setInterval(tick, 1000);
    }

    // Each second: every shown code and its countdown; in clipboard mode a new code goes to the clipboard.
    function tick() {
        var list = document.getElementById('codes');
        if (!list || !Vault.unlocked) { clearInterval(ticker); return; }
        var now = Date.now();
        Array.prototype.forEach.call(list.querySelectorAll('li[data-entry]'), function (item) {
            var id = item.getAttribute('data-entry');
            Vault.code(id, now).then(function (current) {
                var shown = item.querySelector('.otp');
                if (!current || !shown) { return; }
                if (shown.textContent !== current.code) { shown.textContent = current.code; }
                item.querySelector('.countdown .left').textContent = t('codes.refresh', current.secondsLeft);
                var bar = item.querySelector('progress');
                bar.max = current.period;
                bar.value = current.secondsLeft;
                if (clipboard.on && clipboard.entryId === id && clipboard.code !== current.code) { writeClipboard(current.code); }
            });
        });
        var status = document.getElementById('clipboard-status');
        if (status) { status.textContent = clipboard.code ? t('codes.clipboardNow', clipboard.code) : ''; }
    }

    function writeClipboard(code) {
        if (!navigator.clipboard || !navigator.clipboard.writeText) { return Promise.reject(new Error('clipboard')); }
        return navigator.clipboard.writeText(code).then(function () {
            clipboard.code = code;
            var status = document.getElementById('clipboard-status');
            if (status) { status.textContent = t('codes.clipboardNow', code); }
        });
    }

    function copy(id) {
        Vault.code(id, Date.now()).then(function (current) {
            if (!current) { return; }
            clipboard.entryId = id;
            var item = document.querySelector('li[data-entry="' + id + '"]');
            return writeClipboard(current.code).then(function () {
                flash(item, message('success', t('codes.copied'), 'copied'));
            }, function () {
                flash(item, message('error', t('error.clipboard'), 'copied'));
            });
        });
    }

    function flash(item, node) {
        var old = document.getElementById('copied');
        if (old) { old.remove(); }
        if (item) { item.appendChild(node); setTimeout(function () { node.remove(); }, 4000); }
    }

    // ---- add and edit ------------------------------------------------------------------------------------
    function entryForm(entry, settings) {
        var status = el('div', { id: 'code-status' });
        var details = el('p', { 'class': 'hint', id: 'code-details', text: describe(settings) });
        var algorithm = el('select', { id: 'code-algorithm', name: 'code-algorithm' }, ['SHA1', 'SHA256', 'SHA512'].map(function (a) {
            return el('option', { value: a, selected: a === settings.algorithm, text: a.replace('SHA', 'SHA-') });
        }));
        var digits = el('select', { id: 'code-digits', name: 'code-digits' }, [6, 7, 8].map(function (d) {
            return el('option', { value: String(d), selected: d === settings.digits, text: String(d) });
        }));
        var form = el('form', { id: 'code-form', novalidate: true, 'class': 'card' }, [
            Ui.field('code-name', 'codes.name', { type: 'text', autocomplete: 'off', maxlength: '100', required: true, value: entry ? entry.name : '' }),
            Ui.field('code-secret', 'codes.secret', { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', required: !entry }, entry ? 'codes.secretKeep' : 'codes.secretHint'),
            Ui.field('code-url', 'codes.url', { type: 'url', autocomplete: 'off', maxlength: '300', value: entry ? entry.url || '' : '' }, 'codes.urlHint'),
            el('details', {}, [
                el('summary', { t: 'codes.advanced' }),
                el('label', { 'for': 'code-algorithm', t: 'codes.algorithm' }), algorithm,
                el('label', { 'for': 'code-digits', t: 'codes.digits' }), digits,
                Ui.field('code-period', 'codes.period', { type: 'text', inputmode: 'numeric', value: String(settings.period), maxlength: '3' })
            ]),
            details,
            el('p', { 'class': 'hint', t: 'codes.required' }),
            status,
            el('div', { 'class': 'actions' }, [
                el('button', { type: 'submit', 'class': 'button', id: 'save-code', t: 'vault.ok' }),
                el('a', { 'class': 'button secondary', href: '#/codes', t: 'add.cancel' })
            ])
        ]);
        function fill(parsed) {
            form.querySelector('#code-name').value = parsed.name;
            form.querySelector('#code-secret').value = parsed.secret;
            algorithm.value = parsed.algorithm;
            digits.value = String(parsed.digits);
            form.querySelector('#code-period').value = String(parsed.period);
            details.textContent = describe(parsed);
        }
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            status.textContent = '';
            var url = form.querySelector('#code-url').value.trim();
            if (url && !/^https?:\/\/[^\s]+$/i.test(url)) { status.appendChild(message('error', t('error.vault_url'), 'code-error')); return; }
            form.querySelector('#save-code').disabled = true;
            Vault.save({
                name: form.querySelector('#code-name').value, url: url, secret: form.querySelector('#code-secret').value,
                algorithm: algorithm.value, digits: digits.value, period: form.querySelector('#code-period').value.trim()
            }, entry ? entry.id : null).then(function () { Ui.navigate('#/codes'); }).catch(function (error) {
                form.querySelector('#save-code').disabled = false;
                status.appendChild(message('error', Ui.errorText(error), 'code-error'));
            });
        });
        return { form: form, fill: fill };
    }

    function addView() {
        var entry = entryForm(null, { algorithm: 'SHA1', digits: 6, period: 30 });
        var linkStatus = el('div', { id: 'link-status' });
        var link = el('form', { id: 'link-form', novalidate: true, 'class': 'card' }, [
            el('h2', { t: 'codes.byLink' }),
            Ui.field('otpauth-link', 'codes.link', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'otpauth://totp/…' }, 'codes.linkHint'),
            linkStatus,
            el('div', { 'class': 'actions' }, [el('button', { type: 'submit', 'class': 'button secondary', id: 'use-link', t: 'codes.useLink' })])
        ]);
        function useLink(text) {
            linkStatus.textContent = '';
            var parsed = Totp.parseUri(text);
            if (parsed.error) { linkStatus.appendChild(message('error', t('error.vault_link_' + parsed.error), 'link-error')); return false; }
            entry.fill(parsed);
            linkStatus.appendChild(message('success', t('codes.linkRead'), 'link-read'));
            entry.form.querySelector('#code-name').focus();
            return true;
        }
        link.addEventListener('submit', function (event) { event.preventDefault(); useLink(link.querySelector('#otpauth-link').value); });
        Ui.show(t('codes.addTitle'), [Scanner.section(useLink), link, el('h2', { t: 'codes.byHand' }), entry.form]);
        return Promise.resolve();
    }

    function editView(id) {
        return Vault.entry(id).then(function (entry) {
            if (!entry) { Ui.navigate('#/codes'); return; }
            var form = entryForm(entry, Vault.settings(id) || { algorithm: 'SHA1', digits: 6, period: 30 });
            Ui.show(t('codes.editTitle'), [form.form]);
        });
    }

    function deleteView(id) {
        return Vault.entry(id).then(function (entry) {
            if (!entry) { Ui.navigate('#/codes'); return; }
            var form = el('form', { id: 'delete-form', novalidate: true, 'class': 'card' }, [
                el('p', { text: t('codes.deleteLead', entry.name) }),
                el('div', { 'class': 'actions' }, [
                    el('button', { type: 'submit', 'class': 'button deny', id: 'delete-code', t: 'codes.delete' }),
                    el('a', { 'class': 'button secondary', href: '#/codes', t: 'add.cancel' })
                ])
            ]);
            form.addEventListener('submit', function (event) {
                event.preventDefault();
                Vault.remove(id).then(function () { Ui.navigate('#/codes'); });
            });
            Ui.show(t('codes.deleteTitle'), [form]);
        });
    }

    // #/codes/<view>/<id>: the vault's state decides first (new: set a password; locked: the password).
    function route(view, id) {
        clearInterval(ticker);
        if (view === 'reset') { return VaultViews.reset(); }
        return Vault.status().then(function (state) {
            if (state.state === 'new') { return VaultViews.setup(state.wiped); }
            if (state.state === 'locked') { return VaultViews.unlock(state); }
            if (view === 'add') { return addView(); }
            if (view === 'edit' && id) { return editView(id); }
            if (view === 'delete' && id) { return deleteView(id); }
            return listView();
        });
    }

    // Five minutes without a tap or a key press lock the vault again (the secrets leave memory).
    var IDLE_MS = 5 * 60 * 1000;
    var lastActive = Date.now();
    ['pointerdown', 'keydown'].forEach(function (name) {
        document.addEventListener(name, function () { lastActive = Date.now(); }, true);
    });
    setInterval(function () {
        if (!Vault.unlocked || Date.now() - lastActive < IDLE_MS) { return; }
        Vault.lock();
        if (/^#\/codes/.test(location.hash)) { Ui.navigate('#/codes'); }
    }, 15000);

    window.Codes = { route: route };
})();
