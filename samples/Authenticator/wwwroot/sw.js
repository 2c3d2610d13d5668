// Service worker of the companion authenticator: keeps the app's shell for offline use, shows a notification for
// a Web Push message ({ type: "request", requestId, portalName }: no secret, the app fetches the details with its
// token) and opens the approval page when it is tapped. Calls to Idp are never cached.
'use strict';
var CACHE = 'authenticator-shell-v3';
var SHELL = [
    '/', '/index.html', '/manifest.webmanifest', '/config.json', '/css/app.css', '/icons/icon.svg',
    '/js/i18n-codes.js', '/js/i18n.js', '/js/store.js', '/js/api.js', '/js/device-check.js', '/js/ui.js', '/js/requests.js',
    '/js/totp.js', '/js/vault.js', '/js/vault-views.js', '/js/scan.js', '/js/codes.js', '/js/app.js'
];

self.addEventListener('install', function (event) {
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
    event.waitUntil(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); }));
});

// The shell: network first (so updates show at once), the cache when offline. Other origins (Idp) pass through.
self.addEventListener('fetch', function (event) {
    var request = event.request;
    var url = new URL(request.url);
    if (request.method !== 'GET' || url.origin !== self.location.origin) {
        return;
    }
    event.respondWith(fetch(request).then(function (response) {
        if (response.ok && SHELL.indexOf(url.pathname) >= 0) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
    }).catch(function () {
        return caches.match(request).then(function (cached) {
            return cached || (request.mode === 'navigate' ? caches.match('/index.html') : Response.error());
        });
    }));
});

function language() {
    var tag = String(self.navigator.language || '').toLowerCase().slice(0, 2);
    return tag === 'de' || tag === 'nl' ? tag : 'en';
}

self.addEventListener('push', function (event) {
    var data = {};
    try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
    var portal = typeof data.portalName === 'string' ? data.portalName.slice(0, 100) : '';
    var texts = {
        de: { title: 'Freigabe', body: 'Anmeldung bei ' + (portal || 'einem Portal') + ': bitte bestätigen oder ablehnen.' },
        nl: { title: 'Goedkeuren', body: 'Aanmelding bij ' + (portal || 'een portaal') + ': keur goed of weiger.' },
        en: { title: 'Approval', body: 'Sign-in to ' + (portal || 'a portal') + ': please approve or deny.' }
    };
    var text = texts[language()];
    var title = text.title;
    var body = text.body;
    event.waitUntil(self.registration.showNotification(title, {
        body: body,
        icon: '/icons/icon.svg',
        tag: typeof data.requestId === 'string' ? data.requestId : 'request',
        requireInteraction: true,
        data: { url: '/#/approve' }
    }));
});

self.addEventListener('notificationclick', function (event) {
    event.notification.close();
    var target = new URL((event.notification.data && event.notification.data.url) || '/#/approve', self.location.origin).href;
    event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
        for (var i = 0; i < windows.length; i++) {
            if (new URL(windows[i].url).origin === self.location.origin && 'focus' in windows[i]) {
                return windows[i].navigate(target).then(function (client) { return (client || windows[i]).focus(); });
            }
        }
        return self.clients.openWindow(target);
    }));
});
