// The "Freigabe" list: the pending requests of every account on this device, newest first. The newest is the live
// one (the request a sign-in is waiting for) and is framed apart from the rest. A request leaves the list when it is
// decided elsewhere (the stream's "decided"), when it expires (a timer at its own expiresAt, so a card the stream
// could not take away, offline or asleep, does not stay tappable), and when it is decided here (after its outcome
// was shown for a moment, without buttons). The card's buttons are the only way to decide, so a stale card must go.
(function () {
    'use strict';
    var t = I18n.t;
    var el = Ui.el;
    var message = Ui.message;
    var Api = IdpApi;
    var OUTCOME_SHOWN_MS = 10000;
    var LONGEST_TIMER_MS = 2147483647;
    var pending = {};          // requestId -> { account, request }
    var expiryTimers = {};     // requestId -> timeout id

    function isExpired(request, now) { return new Date(request.expiresAt) <= (now || new Date()); }

    function add(account, request) {
        if (!request || !request.requestId || isExpired(request)) { return; }
        var id = request.requestId;
        if (!pending[id]) {
            pending[id] = { account: account, request: request };
            var wait = new Date(request.expiresAt) - new Date();
            expiryTimers[id] = setTimeout(function () { drop(id); }, Math.min(wait + 50, LONGEST_TIMER_MS));
        }
        render();
    }

    function forget(requestId) {
        delete pending[requestId];
        clearTimeout(expiryTimers[requestId]);
        delete expiryTimers[requestId];
    }

    function drop(requestId) {
        forget(requestId);
        render();
    }

    function forgetAccount(credentialId) {
        Object.keys(pending).forEach(function (id) { if (pending[id].account.credentialId === credentialId) { forget(id); } });
        render();
    }

    function refresh(accounts) {
        return Promise.all(accounts.map(function (account) {
            return Api.requests(account).then(function (requests) {
                (requests || []).forEach(function (r) { add(account, r); });
            }).catch(function () { /* offline or removed: the stream retries */ });
        }));
    }

    function cardOf(list, id) { return list.querySelector('[data-request-id="' + CSS.escape(id) + '"]'); }

    // Pending cards newest first, then outcomes still on show. Nodes are only moved when out of place, so a card
    // being used keeps its focus.
    function render() {
        updateBadge();
        var list = document.getElementById('requests');
        if (!list) { return; }
        var now = new Date();
        Object.keys(pending).forEach(function (id) { if (isExpired(pending[id].request, now)) { forget(id); } });
        Array.prototype.forEach.call(list.querySelectorAll('[data-request-id]'), function (card) {
            if (!pending[card.getAttribute('data-request-id')] && !card.hasAttribute('data-done')) { card.remove(); }
        });
        var ids = Object.keys(pending).sort(function (a, b) {
            return new Date(pending[b].request.createdAt) - new Date(pending[a].request.createdAt);
        });
        ids.forEach(function (id, index) {
            var card = cardOf(list, id) || requestCard(pending[id].account, pending[id].request);
            var live = index === 0;
            card.classList.toggle('live', live);
            if (live) { card.setAttribute('aria-current', 'true'); } else { card.removeAttribute('aria-current'); }
            if (list.children[index] !== card) { list.insertBefore(card, list.children[index] || null); }
        });
        var empty = document.getElementById('no-requests');
        if (empty) { empty.hidden = list.children.length > 0; }
    }

    // Decided here (or refused for good): the card keeps its title and the outcome, loses every control, leaves
    // the pending set at once and the list after a moment.
    function finish(form, requestId, outcome, notice) {
        form.setAttribute('data-done', outcome);
        form.classList.remove('live');
        form.classList.add('done');
        form.removeAttribute('aria-current');
        Array.prototype.forEach.call(form.querySelectorAll('fieldset, .actions, .expires'), function (node) { node.remove(); });
        form.querySelector('.request-status').appendChild(notice);
        forget(requestId);
        setTimeout(function () { form.remove(); render(); }, OUTCOME_SHOWN_MS);
        render();
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
            el('p', { 'class': 'expires', text: t('approve.expires', I18n.formatTime(request.expiresAt)) }),
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
            if (isExpired(request)) {
                finish(form, request.requestId, 'error', message('error', t('error.expired'), 'decision-error'));
                return;
            }
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
                finish(form, request.requestId, decision, message('success', t(decision === 'approve' ? 'approve.approved' : 'approve.denied'), 'decision-done'));
            }).catch(function (error) {
                var final = error && (error.code === 'wrong_number' || error.code === 'expired' || error.code === 'not_found');
                if (final) {
                    finish(form, request.requestId, 'error', message('error', Ui.errorText(error), 'decision-error'));
                } else {
                    Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
                    status.appendChild(message('error', Ui.errorText(error), 'decision-error'));
                }
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

    // Timers sleep with a hidden page: check the expiry times again when it is shown.
    document.addEventListener('visibilitychange', function () { if (!document.hidden) { render(); } });

    window.Requests = { add: add, drop: drop, forgetAccount: forgetAccount, refresh: refresh, render: render };
})();
