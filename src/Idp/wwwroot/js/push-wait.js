// Waits for the push request of the page: listens to the server-sent events at data-push-events and submits the
// page's form once the request is decided (approved, denied, wrong number, expired). Without EventSource or
// JavaScript the "Continue" button does the same.
(function () {
    'use strict';
    var form = document.querySelector('form[data-push-events]');
    if (!form) {
        return;
    }
    var url = form.getAttribute('data-push-events');
    var submitted = false;
    function submit() {
        if (!submitted) {
            submitted = true;
            form.submit();
        }
    }
    if (!window.EventSource) {
        return;
    }
    var failures = 0;
    var source = new EventSource(url);
    source.addEventListener('decided', function () {
        source.close();
        submit();
    });
    source.onerror = function () {
        failures += 1;
        // The stream ends after a decision or at expiry; a stream that keeps failing is given up: the button remains.
        if (failures > 5) {
            source.close();
        }
    };
})();
