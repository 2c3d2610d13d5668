// Texts of the app in German and Dutch (the manuals' words) and English. The language follows the browser
// (navigator.language) until the user switches it; the choice is kept in localStorage.
(function () {
    'use strict';
    var texts = {
        de: {
            'app.name': 'Idp Authenticator',
            'app.loading': 'Wird geladen …',
            'app.offline': 'Keine Verbindung. Freigaben erscheinen, sobald das Gerät wieder online ist.',
            'nav.accounts': 'Zugänge',
            'nav.approve': 'Freigabe',
            'accounts.title': 'Zugänge',
            'accounts.none': 'Auf diesem Gerät ist noch keiner Ihrer Zugänge eingerichtet.',
            'accounts.noneHint': 'Tippen Sie auf „Zugang hinzufügen“, um dieses Gerät bei Ihrem Zugang für die Zwei-Faktor-Authentifizierung einzurichten.',
            'accounts.add': 'Zugang hinzufügen',
            'accounts.number': 'Zugangsnummer',
            'accounts.since': 'Eingerichtet am',
            'accounts.remove': 'Entfernen',
            'accounts.waiting': 'Registrierung wartet auf den Bestätigungscode',
            'accounts.continue': 'Registrierung fortsetzen',
            'accounts.codesHint': 'Kein Smartphone oder ein Dienst mit Einmalcodes (TOTP)? Dieses Gerät erzeugt die Codes auch selbst:',
            'accounts.codesLink': 'Codes (TOTP)',
            'add.title': 'Zugang registrieren',
            'add.lead': 'Ein neuer Schlüssel wird auf diesem Gerät erstellt. Sie richten ihn in zwei einfachen Schritten als Zwei-Faktor-Authentifizierung für Ihren Zugang ein: Zuerst registrieren Sie den Schlüssel mit Ihrer Zugangskennung und Ihrem Passwort. Kurz darauf erhalten Sie per SMS einen Bestätigungscode; diesen tragen Sie ein und schließen die Registrierung damit ab.',
            'add.login': 'Zugangsnummer oder E-Mail',
            'add.loginHint': 'Ist Ihre E-Mail-Adresse in mehreren Zugängen hinterlegt, verwenden Sie bitte Ihre Zugangsnummer.',
            'add.password': 'Passwort',
            'add.device': 'Name dieses Geräts',
            'add.submit': 'Schlüssel registrieren',
            'add.cancel': 'Abbrechen',
            'confirm.title': 'Registrierung abschließen',
            'confirm.lead': 'Ein Bestätigungscode wurde per SMS an {0} gesendet. Er ist bis {1} gültig.',
            'confirm.code': 'Bestätigungscode aus SMS',
            'confirm.codeHint': '8 Ziffern',
            'confirm.submit': 'Schlüsselregistrierung abschließen',
            'confirm.done': 'Der Zugang {0} ist auf diesem Gerät eingerichtet. Eine Test-Freigabe ist unterwegs.',
            'approve.title': 'Freigabe',
            'approve.none': 'Keine offenen Anfragen.',
            'approve.noneHint': 'Wenn Sie sich anmelden, erscheint die Bestätigungsaufforderung hier.',
            'approve.portal': 'Portal',
            'approve.account': 'Zugang',
            'approve.time': 'Zeit',
            'approve.ip': 'IP-Adresse',
            'approve.browser': 'Browser',
            'approve.test': 'Test',
            'approve.pick': 'Welche Zahl zeigt Ihr Browser?',
            'approve.approve': 'BESTÄTIGEN',
            'approve.deny': 'ABLEHNEN',
            'approve.pickFirst': 'Bitte wählen Sie die Zahl, die Ihr Browser anzeigt.',
            'approve.approved': 'Bestätigt. Die Anmeldung wird fortgesetzt.',
            'approve.denied': 'Abgelehnt. Die Anmeldung wurde gestoppt.',
            'approve.expires': 'Gültig bis {0}',
            'approve.verifyFailed': 'Die Prüfung durch das Gerät (Fingerabdruck, Gesicht oder PIN) ist nicht gelungen. Nichts wurde gesendet.',
            'remove.title': 'Zugang entfernen',
            'remove.lead': 'Der Zugang {0} wird von diesem Gerät entfernt und kann hier keine Anmeldungen mehr freigeben. Der Schlüssel wird gelöscht.',
            'remove.submit': 'Zugang entfernen',
            'remove.done': 'Der Zugang wurde entfernt.',
            'error.network': 'Idp ist nicht erreichbar. Bitte prüfen Sie die Verbindung.',
            'error.ambiguous_login': 'Dieses Passwort passt zu mehreren Zugängen mit dieser E-Mail-Adresse. Bitte verwenden Sie Ihre Zugangsnummer.',
            'error.invalid_credentials': 'Zugangsnummer/E-Mail oder Passwort sind falsch.',
            'error.no_phone_number': 'Für diesen Zugang ist keine Mobilnummer hinterlegt; der Bestätigungscode kann nicht gesendet werden.',
            'error.too_many_requests': 'Zu viele Versuche. Bitte warten Sie einen Moment.',
            'error.invalid_code': 'Der Bestätigungscode stimmt nicht.',
            'error.expired': 'Abgelaufen oder bereits erledigt.',
            'error.invalid_request': 'Bitte füllen Sie alle Felder aus.',
            'error.wrong_number': 'Falsche Zahl: Die Anmeldung wurde aus Sicherheitsgründen gestoppt.',
            'error.invalid_signature': 'Die Signatur wurde nicht anerkannt.',
            'error.not_found': 'Nicht gefunden (der Zugang wurde vielleicht entfernt).',
            'error.crypto': 'Dieser Browser kann keine Schlüssel sicher speichern (WebCrypto/IndexedDB fehlen).',
            'error.generic': 'Das hat nicht geklappt ({0}).',
            'nav.codes': 'Codes',
            'lang.switch': 'English',
            'lang.tag': 'en'
        },
        en: {
            'app.name': 'Idp Authenticator',
            'app.loading': 'Loading …',
            'app.offline': 'No connection. Requests appear once the device is online again.',
            'nav.accounts': 'Accounts',
            'nav.approve': 'Approvals',
            'accounts.title': 'Accounts',
            'accounts.none': 'None of your accounts is set up on this device yet.',
            'accounts.noneHint': 'Tap “Add account” to set this device up as the second factor of your account.',
            'accounts.add': 'Add account',
            'accounts.number': 'Account number',
            'accounts.since': 'Added on',
            'accounts.remove': 'Remove',
            'accounts.waiting': 'Registration waiting for the confirmation code',
            'accounts.continue': 'Continue registration',
            'accounts.codesHint': 'No smartphone, or a service with one-time codes (TOTP)? This device can make the codes itself:',
            'accounts.codesLink': 'Codes (TOTP)',
            'add.title': 'Register account',
            'add.lead': 'A new key is created on this device. You set it up as the second factor of your account in two steps: first register the key with your account number or e-mail and your password. You then receive a confirmation code by SMS; enter it to finish the registration.',
            'add.login': 'Account number or e-mail',
            'add.loginHint': 'If your e-mail address belongs to several accounts, please use your account number.',
            'add.password': 'Password',
            'add.device': 'Name of this device',
            'add.submit': 'Register key',
            'add.cancel': 'Cancel',
            'confirm.title': 'Finish registration',
            'confirm.lead': 'A confirmation code was sent by SMS to {0}. It is valid until {1}.',
            'confirm.code': 'Confirmation code from the SMS',
            'confirm.codeHint': '8 digits',
            'confirm.submit': 'Finish key registration',
            'confirm.done': 'Account {0} is set up on this device. A test request is on its way.',
            'approve.title': 'Approvals',
            'approve.none': 'No pending requests.',
            'approve.noneHint': 'When you sign in, the request appears here.',
            'approve.portal': 'Portal',
            'approve.account': 'Account',
            'approve.time': 'Time',
            'approve.ip': 'IP address',
            'approve.browser': 'Browser',
            'approve.test': 'Test',
            'approve.pick': 'Which number does your browser show?',
            'approve.approve': 'APPROVE',
            'approve.deny': 'DENY',
            'approve.pickFirst': 'Please pick the number your browser shows.',
            'approve.approved': 'Approved. The sign-in continues.',
            'approve.denied': 'Denied. The sign-in was stopped.',
            'approve.expires': 'Valid until {0}',
            'approve.verifyFailed': 'The device check (fingerprint, face or PIN) did not succeed. Nothing was sent.',
            'remove.title': 'Remove account',
            'remove.lead': 'Account {0} is removed from this device and can no longer approve sign-ins here. Its key is deleted.',
            'remove.submit': 'Remove account',
            'remove.done': 'The account was removed.',
            'error.network': 'Idp cannot be reached. Please check the connection.',
            'error.ambiguous_login': 'This password fits several accounts with this e-mail address. Please use your account number.',
            'error.invalid_credentials': 'Account number/e-mail or password is wrong.',
            'error.no_phone_number': 'This account has no mobile number, so the confirmation code cannot be sent.',
            'error.too_many_requests': 'Too many attempts. Please wait a moment.',
            'error.invalid_code': 'The confirmation code is not right.',
            'error.expired': 'Expired or already done.',
            'error.invalid_request': 'Please fill in every field.',
            'error.wrong_number': 'Wrong number: the sign-in was stopped for your safety.',
            'error.invalid_signature': 'The signature was not accepted.',
            'error.not_found': 'Not found (the account may have been removed).',
            'error.crypto': 'This browser cannot keep keys safely (WebCrypto/IndexedDB missing).',
            'error.generic': 'That did not work ({0}).',
            'nav.codes': 'Codes',
            'lang.switch': 'Nederlands',
            'lang.tag': 'nl'
        },
        nl: {
            'app.name': 'Idp Authenticator',
            'app.loading': 'Bezig met laden …',
            'app.offline': 'Geen verbinding. Verzoeken verschijnen zodra het apparaat weer online is.',
            'nav.accounts': 'Accounts',
            'nav.approve': 'Goedkeuren',
            'accounts.title': 'Accounts',
            'accounts.none': 'Op dit apparaat is nog geen van uw accounts ingesteld.',
            'accounts.noneHint': 'Tik op „Werk- of schoolaccount toevoegen” om dit apparaat in te stellen als tweede factor van uw account.',
            'accounts.add': 'Werk- of schoolaccount toevoegen',
            'accounts.number': 'Accountnummer',
            'accounts.since': 'Toegevoegd op',
            'accounts.remove': 'Verwijderen',
            'accounts.waiting': 'Registratie wacht op de bevestigingscode',
            'accounts.continue': 'Registratie voortzetten',
            'accounts.codesHint': 'Geen smartphone, of een dienst met eenmalige codes (TOTP)? Dit apparaat maakt de codes ook zelf:',
            'accounts.codesLink': 'Codes (TOTP)',
            'add.title': 'Account registreren',
            'add.lead': 'Er wordt een nieuwe sleutel op dit apparaat aangemaakt. U stelt die in twee stappen in als tweede factor van uw account: registreer eerst de sleutel met uw accountnummer of e-mailadres en uw wachtwoord. Daarna ontvangt u per sms een bevestigingscode; vul die in om de registratie te voltooien.',
            'add.login': 'Accountnummer of e-mailadres',
            'add.loginHint': 'Hoort uw e-mailadres bij meerdere accounts, gebruik dan uw accountnummer.',
            'add.password': 'Wachtwoord',
            'add.device': 'Naam van dit apparaat',
            'add.submit': 'Sleutel registreren',
            'add.cancel': 'Annuleren',
            'confirm.title': 'Registratie voltooien',
            'confirm.lead': 'Er is per sms een bevestigingscode gestuurd naar {0}. Deze is geldig tot {1}.',
            'confirm.code': 'Bevestigingscode uit de sms',
            'confirm.codeHint': '8 cijfers',
            'confirm.submit': 'Registratie van de sleutel voltooien',
            'confirm.done': 'Account {0} is op dit apparaat ingesteld. Er komt een testverzoek aan.',
            'approve.title': 'Goedkeuren',
            'approve.none': 'Geen openstaande verzoeken.',
            'approve.noneHint': 'Wanneer u inlogt, verschijnt het verzoek hier.',
            'approve.portal': 'Portaal',
            'approve.account': 'Account',
            'approve.time': 'Tijd',
            'approve.ip': 'IP-adres',
            'approve.browser': 'Browser',
            'approve.test': 'Test',
            'approve.pick': 'Welk getal toont uw browser?',
            'approve.approve': 'GOEDKEUREN',
            'approve.deny': 'WEIGEREN',
            'approve.pickFirst': 'Kies het getal dat uw browser toont.',
            'approve.approved': 'Goedgekeurd. Het inloggen gaat verder.',
            'approve.denied': 'Geweigerd. Het inloggen is gestopt.',
            'approve.expires': 'Geldig tot {0}',
            'approve.verifyFailed': 'De controle op het apparaat (vingerafdruk, gezicht of pincode) is niet gelukt. Er is niets verstuurd.',
            'remove.title': 'Account verwijderen',
            'remove.lead': 'Account {0} wordt van dit apparaat verwijderd en kan hier geen aanmeldingen meer goedkeuren. De sleutel wordt gewist.',
            'remove.submit': 'Account verwijderen',
            'remove.done': 'Het account is verwijderd.',
            'error.network': 'Idp is niet bereikbaar. Controleer de verbinding.',
            'error.ambiguous_login': 'Dit wachtwoord past bij meerdere accounts met dit e-mailadres. Gebruik uw accountnummer.',
            'error.invalid_credentials': 'Accountnummer/e-mailadres of wachtwoord is onjuist.',
            'error.no_phone_number': 'Dit account heeft geen mobiel nummer, dus de bevestigingscode kan niet worden verstuurd.',
            'error.too_many_requests': 'Te veel pogingen. Wacht even.',
            'error.invalid_code': 'De bevestigingscode klopt niet.',
            'error.expired': 'Verlopen of al afgehandeld.',
            'error.invalid_request': 'Vul alle velden in.',
            'error.wrong_number': 'Verkeerd getal: het inloggen is voor uw veiligheid gestopt.',
            'error.invalid_signature': 'De handtekening is niet geaccepteerd.',
            'error.not_found': 'Niet gevonden (het account is mogelijk verwijderd).',
            'error.crypto': 'Deze browser kan sleutels niet veilig bewaren (WebCrypto/IndexedDB ontbreekt).',
            'error.generic': 'Dat is niet gelukt ({0}).',
            'nav.codes': 'Codes',
            'lang.switch': 'Deutsch',
            'lang.tag': 'de'
        }
    };

    // The TOTP side's texts come from i18n-codes.js (loaded first), one block per language like the ones above.
    var more = window.I18nCodesTexts || {};
    Object.keys(more).forEach(function (tag) { Object.assign(texts[tag], more[tag]); });

    // The language button goes round de -> en -> nl -> de: each block's 'lang.switch' names the next one.
    var supported = ['de', 'en', 'nl'];

    function initial() {
        var stored = null;
        try { stored = localStorage.getItem('language'); } catch (e) { stored = null; }
        if (supported.indexOf(stored) >= 0) {
            return stored;
        }
        var languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
        for (var i = 0; i < languages.length; i++) {
            var tag = String(languages[i]).toLowerCase().slice(0, 2);
            if (supported.indexOf(tag) >= 0) {
                return tag;
            }
        }
        return 'en';
    }

    var language = initial();

    function t(key) {
        var text = (texts[language] && texts[language][key]) || texts.en[key] || key;
        for (var i = 1; i < arguments.length; i++) {
            text = text.split('{' + (i - 1) + '}').join(String(arguments[i]));
        }
        return text;
    }

    function apply(root) {
        var nodes = (root || document).querySelectorAll('[data-t]');
        for (var i = 0; i < nodes.length; i++) {
            nodes[i].textContent = t(nodes[i].getAttribute('data-t'));
        }
        document.documentElement.lang = language;
    }

    function set(next) {
        language = supported.indexOf(next) >= 0 ? next : 'en';
        try { localStorage.setItem('language', language); } catch (e) { /* private mode: not kept */ }
        apply();
    }

    window.I18n = {
        t: t,
        apply: apply,
        set: set,
        get language() { return language; },
        formatTime: function (iso) {
            var date = new Date(iso);
            return new Intl.DateTimeFormat({ de: 'de-DE', nl: 'nl-NL' }[language] || 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
        }
    };
})();
