// The vault's own views: set the password (the manual's rules, each shown as met or not met while typing), unlock
// (with the wait after wrong passwords, "Gesperrt für 11 Sekunden"), and "Kennwort zurücksetzen" after a
// confirmation. The codes themselves are codes.js.
(function () {
    'use strict';
    var t = I18n.t;
    var el = Ui.el;
    var message = Ui.message;
    var lockTimer = null;

    function ruleText(rule) {
        return t('vault.rule.' + rule.key) + ' (' + t(rule.met ? 'vault.rule.met' : 'vault.rule.unmet') + ')';
    }

    function setupView(wiped) {
        return Vault.entries().then(function (entries) {
            var status = el('div', { id: 'vault-setup-status' });
            var list = el('ul', { 'class': 'rules', id: 'password-rules', 'aria-labelledby': 'password-rules-title' });
            var form = el('form', { id: 'vault-setup', novalidate: true, 'class': 'card' }, [
                el('p', { t: 'vault.setupLead' }),
                el('p', { 'class': 'important', t: 'vault.setupImportant' }),
                Ui.field('vault-password', 'vault.password', { type: 'password', autocomplete: 'new-password', required: true }),
                Ui.field('vault-repeat', 'vault.repeat', { type: 'password', autocomplete: 'new-password', required: true }),
                el('h2', { id: 'password-rules-title', t: 'vault.rules' }),
                list,
                status,
                el('div', { 'class': 'actions' }, [el('button', { type: 'submit', 'class': 'button', id: 'vault-create', t: 'vault.ok' })])
            ]);
            var password = form.querySelector('#vault-password');
            var repeat = form.querySelector('#vault-repeat');
            function update() {
                list.textContent = '';
                Vault.rules(password.value, repeat.value).forEach(function (rule) {
                    list.appendChild(el('li', { 'class': rule.met ? 'met' : 'unmet', 'data-rule': rule.key, text: ruleText(rule) }));
                });
            }
            password.addEventListener('input', update);
            repeat.addEventListener('input', update);
            update();
            form.addEventListener('submit', function (event) {
                event.preventDefault();
                status.textContent = '';
                if (Vault.rules(password.value, repeat.value).some(function (r) { return !r.met; })) {
                    status.appendChild(message('error', t('error.vault_rules'), 'vault-setup-error'));
                    return;
                }
                var button = form.querySelector('#vault-create');
                button.disabled = true;
                Vault.create(password.value).then(function () { Ui.navigate('#/codes'); }).catch(function (error) {
                    button.disabled = false;
                    status.appendChild(message('error', Ui.errorText(error), 'vault-setup-error'));
                });
            });
            var kept = entries.length && wiped ? el('div', { 'class': 'card', id: 'wiped-names' }, [
                el('h2', { t: 'vault.keptTitle' }),
                el('ul', {}, entries.map(function (e) { return el('li', { text: e.name }); }))
            ]) : null;
            Ui.show(t('vault.setupTitle'), [
                wiped ? message('error', t(wiped === 'reset' ? 'vault.wipedReset' : 'vault.wipedFailures'), 'vault-wiped') : null,
                form, kept
            ]);
        });
    }

    function lockedText(ms) {
        var seconds = Math.max(1, Math.ceil(ms / 1000));
        return seconds < 120 ? t('vault.lockedSeconds', seconds) : t('vault.lockedMinutes', Math.floor(seconds / 60), seconds % 60);
    }

    function unlockView(state) {
        var status = el('div', { id: 'vault-unlock-status' });
        var lockLine = el('p', { 'class': 'locked', id: 'vault-locked', role: 'status', hidden: true });
        var form = el('form', { id: 'vault-unlock', novalidate: true, 'class': 'card' }, [
            el('p', { t: 'vault.unlockLead' }),
            Ui.field('vault-password', 'vault.password', { type: 'password', autocomplete: 'current-password', required: true }),
            lockLine,
            status,
            el('div', { 'class': 'actions' }, [
                el('button', { type: 'submit', 'class': 'button', id: 'vault-open', t: 'vault.ok' }),
                el('a', { 'class': 'button secondary', href: '#/codes/reset', id: 'vault-reset', t: 'vault.reset' })
            ])
        ]);
        var button = form.querySelector('#vault-open');
        function showLock(until) {
            clearInterval(lockTimer);
            function tick() {
                var left = until - Date.now();
                if (left <= 0 || !form.isConnected) {
                    clearInterval(lockTimer);
                    lockLine.hidden = true;
                    button.disabled = false;
                    return;
                }
                lockLine.hidden = false;
                lockLine.textContent = lockedText(left);
                button.disabled = true;
            }
            tick();
            lockTimer = setInterval(tick, 1000);
        }
        if (state.lockedUntil) { showLock(state.lockedUntil); }
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var password = form.querySelector('#vault-password');
            status.textContent = '';
            if (!password.value) { status.appendChild(message('error', t('error.vault_password'), 'vault-unlock-error')); return; }
            button.disabled = true;
            Vault.unlock(password.value).then(function (outcome) {
                password.value = '';
                button.disabled = false;
                if (outcome.result === 'unlocked' || outcome.result === 'wiped') { Ui.navigate('#/codes'); return; }
                if (outcome.result === 'wrong') {
                    status.appendChild(message('error', t('vault.wrong', outcome.left), 'vault-unlock-error'));
                }
                if (outcome.lockedUntil) { showLock(outcome.lockedUntil); }
                password.focus();
            }).catch(function (error) {
                button.disabled = false;
                status.appendChild(message('error', Ui.errorText(error), 'vault-unlock-error'));
            });
        });
        Ui.show(t('vault.unlockTitle'), [form]);
        return Promise.resolve();
    }

    function resetView() {
        var form = el('form', { id: 'vault-reset-form', novalidate: true, 'class': 'card' }, [
            el('p', { t: 'vault.resetLead' }),
            el('p', { 'class': 'hint', t: 'vault.resetKept' }),
            el('p', { 'class': 'important', t: 'vault.resetQuestion' }),
            el('div', { 'class': 'actions' }, [
                el('button', { type: 'submit', 'class': 'button deny', id: 'vault-reset-yes', t: 'vault.yes' }),
                el('a', { 'class': 'button secondary', href: '#/codes', id: 'vault-reset-no', t: 'vault.no' })
            ])
        ]);
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            form.querySelector('#vault-reset-yes').disabled = true;
            Vault.wipe('reset').then(function () { Ui.navigate('#/codes'); });
        });
        Ui.show(t('vault.resetTitle'), [form]);
        return Promise.resolve();
    }

    window.VaultViews = { setup: setupView, unlock: unlockView, reset: resetView };
})();
