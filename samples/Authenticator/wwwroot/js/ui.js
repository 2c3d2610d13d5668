// Small DOM helpers shared by app.js (the views), requests.js (the "Freigabe" list) and the TOTP views.
(function () {
    'use strict';
    var t = I18n.t;

    // el('p', { 'class': 'hint', t: 'key' }, [children]): 'text' sets the text, 't' a translated text (kept in
    // data-t for a language switch), 'on' event listeners; null, undefined and false attributes are left out.
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

    function message(kind, text, id) {
        return el('p', { 'class': kind, role: kind === 'error' ? 'alert' : 'status', id: id, text: text });
    }

    function errorText(error) {
        if (error && error.code === 'verify') { return t('approve.verifyFailed'); }
        var key = 'error.' + (error && error.code ? error.code : 'generic');
        var text = t(key);
        return text === key ? t('error.generic', error && error.code ? error.code : String(error)) : text;
    }

    // Replaces the main area with a heading and the given nodes, and moves the focus there (a new view).
    function show(title, children) {
        var main = document.getElementById('main');
        main.textContent = '';
        main.appendChild(el('h1', { text: title }));
        children.forEach(function (child) { if (child) { main.appendChild(child); } });
        main.focus();
    }

    function field(id, labelKey, attributes, hintKey) {
        var input = el(attributes && attributes.tag || 'input', Object.assign({ id: id, name: id, 'aria-describedby': hintKey ? id + '-hint' : null }, attributes, { tag: null }));
        return el('div', {}, [
            el('label', { 'for': id, t: labelKey }),
            hintKey ? el('p', { 'class': 'hint', id: id + '-hint', t: hintKey }) : null,
            input
        ]);
    }

    function navigate(hash) {
        if (location.hash === hash) { window.dispatchEvent(new HashChangeEvent('hashchange')); } else { location.hash = hash; }
    }

    window.Ui = { el: el, message: message, errorText: errorText, show: show, field: field, navigate: navigate };
})();
