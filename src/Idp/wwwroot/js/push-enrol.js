// Waits on the push enrolment page until the companion app has registered: asks the page's status URL every two
// seconds and submits the form when the registration is there. Without JavaScript the "Continue" button does it.
(function () {
    'use strict';
    var form = document.querySelector('form[data-push-status]');
    if (!form || !window.fetch) {
        return;
    }
    var url = form.getAttribute('data-push-status');
    var timer = window.setInterval(function () {
        window.fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
            .then(function (response) { return response.ok ? response.json() : {}; })
            .then(function (status) {
                if (status.enrolled || status.signIn) {
                    window.clearInterval(timer);
                    form.submit();
                }
            })
            .catch(function () { /* try again at the next tick */ });
    }, 2000);
})();
