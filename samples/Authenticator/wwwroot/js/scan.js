// Reads a QR code with the platform's BarcodeDetector: from the camera, or from a picture (a screenshot of the
// enrolment page on the same computer). Where the browser has no BarcodeDetector the section is not shown and the
// otpauth:// link or the typed token remain.
(function () {
    'use strict';
    var t = I18n.t;
    var el = Ui.el;

    function supported() {
        return 'BarcodeDetector' in window;
    }

    function detector() {
        return new window.BarcodeDetector({ formats: ['qr_code'] });
    }

    function firstOtpauth(codes) {
        for (var i = 0; i < codes.length; i++) {
            if (/^otpauth:/i.test(codes[i].rawValue || '')) { return codes[i].rawValue; }
        }
        return null;
    }

    // found(text) -> true when the text was taken (the camera stops then).
    function section(found) {
        if (!supported()) { return null; }
        var status = el('div', { id: 'scan-status', role: 'status' });
        var video = el('video', { id: 'scan-video', muted: true, playsinline: true, hidden: true, 'aria-hidden': 'true' });
        var stream = null;
        function stop() {
            if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); stream = null; }
            video.hidden = true;
        }
        function take(text) {
            if (text && found(text)) { stop(); return true; }
            return false;
        }
        var camera = el('button', { type: 'button', 'class': 'button secondary', id: 'scan-camera', t: 'codes.scanCamera' });
        camera.addEventListener('click', function () {
            status.textContent = '';
            if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { status.textContent = t('error.camera'); return; }
            navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (media) {
                stream = media;
                video.srcObject = media;
                video.hidden = false;
                return video.play();
            }).then(function () {
                var reader = detector();
                (function look() {
                    if (!stream || !video.isConnected) { stop(); return; }
                    reader.detect(video).then(function (codes) {
                        if (!take(firstOtpauth(codes))) { setTimeout(look, 300); }
                    }, function () { setTimeout(look, 300); });
                })();
            }).catch(function () { stop(); status.textContent = t('error.camera'); });
        });
        var picture = el('input', { type: 'file', accept: 'image/*', id: 'scan-picture' });
        picture.addEventListener('change', function () {
            status.textContent = '';
            var file = picture.files && picture.files[0];
            if (!file) { return; }
            createImageBitmap(file).then(function (bitmap) { return detector().detect(bitmap); }).then(function (codes) {
                if (!take(firstOtpauth(codes))) { status.textContent = t('error.noQr'); }
            }).catch(function () { status.textContent = t('error.noQr'); });
        });
        return el('div', { 'class': 'card', id: 'scan' }, [
            el('h2', { t: 'codes.byQr' }),
            el('div', { 'class': 'actions' }, [camera]),
            video,
            el('label', { 'for': 'scan-picture', t: 'codes.scanPicture' }),
            picture,
            status
        ]);
    }

    window.Scanner = { supported: supported, section: section };
})();
