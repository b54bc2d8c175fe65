// Offline journaling: an entry saved with no connection is kept on this phone (IndexedDB)
// and sent once when the connection returns. Each entry carries its client UUID, so the
// server upserts on (person, UUID): sending twice still stores one entry. Each also
// carries its author's account stamp: on a phone two people share, only the account
// signed in now sees or sends its own entries (see "Whose entries" below).
(function () {
  "use strict";
  var DB_NAME = "upright";
  var STORE = "pending";
  var SYNC_URL = "/entries/sync/";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "uuid"}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = action(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function pendingEntries() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function keep(entry) { return withStore("readwrite", function (store) { store.put(entry); }); }
  function forget(uuid) { return withStore("readwrite", function (store) { store.delete(uuid); }); }

  function csrfToken() {
    // Read when sending, not when queued: the token may have changed meanwhile.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  function dayInWords(iso) {
    // "Wednesday 2 December", as the pages write dates; the ISO date is a calendar day.
    var parts = String(iso || "").split("-").map(Number);
    if (parts.length !== 3 || parts.some(isNaN)) { return iso || "that day"; }
    var day = new Date(parts[0], parts[1] - 1, parts[2]);
    return DAYS[day.getDay()] + " " + day.getDate() + " " + MONTHS[day.getMonth()];
  }
  function status(text, kind) {
    var box = document.getElementById("offline-status");
    if (!box) { return null; }
    box.textContent = text;
    box.className = "message message-" + (kind || "info");
    box.hidden = !text;
    return box;
  }
  function showWhereLooking(box) {
    // The message is at the top of the page: go there and give it focus (announced).
    if (!box) { return; }
    window.scrollTo(0, 0);
    box.focus({preventScroll: true});
  }
  function entryForm() { return document.querySelector("form[data-entry-form]"); }

  function queueForm(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") { fields.push([name, String(value)]); }
    });
    var uuid = (fields.find(function (f) { return f[0] === "client_uuid"; }) || [])[1];
    var day = (fields.find(function (f) { return f[0] === "date"; }) || [])[1];
    if (!uuid) { return Promise.resolve(); }
    var account = currentAccount();
    if (!account) {
      showWhereLooking(status("Log in to keep an entry on this phone: it must know whose diary it is for.", "error"));
      return Promise.resolve();
    }
    return keep({uuid: uuid, date: day, fields: fields, account: account, queuedAt: new Date().toISOString()}).then(function () {
      showWhereLooking(status("Saved on this phone: your entry for " + dayInWords(day) +
        ". It will be sent when you are back online.", "info"));
    });
  }

  var replaying = false;
  function replay() {
    if (replaying || !navigator.onLine || !window.indexedDB) { return Promise.resolve(); }
    replaying = true;
    return entriesOf(pageAccount()).then(function (entries) {
      return entries.reduce(function (chain, entry) {
        return chain.then(function () { return send(entry); });
      }, Promise.resolve());
    }).catch(function () { /* stays queued for the next try */ }).then(function () { replaying = false; });
  }
  function send(entry) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (field) { body.append(field[0], field[1]); });
    body.append("account", entry.account);
    return fetch(SYNC_URL, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(function (response) {
      return response.json().catch(function () { return {status: "error"}; }).then(function (data) {
        if (data.status === "saved") {
          return forget(entry.uuid).then(function () { sent(entry, data); });
        }
        if (data.status === "conflict" || data.status === "invalid") {
          // Shown, never silently overwritten: the person decides what to keep.
          return forget(entry.uuid).then(function () { showProblem(entry, data); });
        }
        // Logged out, another account's session (status "other_account"), or server
        // trouble: keep it for its author and try again later.
        if (response.status === 401 || response.status === 429) { status(data.message || "Log in again to send the entry kept on this phone.", "error"); }
        return undefined;
      });
    });
  }
  function sent(entry, data) {
    // On the form this entry came from, show that day's saved entry and its result, so
    // the form is not left blank (a blank form invites a second entry).
    var form = entryForm();
    var uuidField = form && form.querySelector("input[name='client_uuid']");
    var dateField = form && form.querySelector("input[name='date']");
    var sameForm = uuidField && uuidField.value === entry.uuid;
    var blankFormForThatDay = form && form.dataset.entryForm === "new" && dateField &&
      dateField.value === entry.date;
    if ((sameForm || blankFormForThatDay) && data.url) {
      window.location.assign(data.url + "?saved=1");
      return;
    }
    showWhereLooking(status("Your entry for " + dayInWords(entry.date) +
      ", kept on this phone, has been sent and saved.", "success"));
  }
  function showProblem(entry, data) {
    var box = document.getElementById("offline-status");
    if (!box) { return; }
    box.hidden = false;
    box.className = "message message-error";
    box.textContent = data.message + " ";
    if (data.url) {
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = "Open the entry for " + dayInWords(entry.date);
      box.appendChild(link);
    }
    showWhereLooking(box);
  }

  function browserToday() {
    var now = new Date();
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }
  function freshenCachedForm() {
    // A copy of the page from the cache may be from another day: date a new entry today.
    var form = entryForm();
    if (!form || navigator.onLine || form.dataset.entryForm !== "new") { return; }
    var field = form.querySelector("input[name='date']");
    if (field) { field.max = browserToday(); field.value = browserToday(); }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = entryForm();
    if (form && event.detail.elt === form && !navigator.onLine) {
      event.preventDefault();
      queueForm(form);
    }
  });
  document.addEventListener("htmx:sendError", function (event) {
    var form = entryForm();
    if (form && event.detail.elt === form) { queueForm(form); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-entry-form]") && !navigator.onLine) {
      event.preventDefault();
      event.stopImmediatePropagation();
      queueForm(form);
    }
  }, true);
  window.addEventListener("online", replay);
  navigator.serviceWorker && navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "replay-entries") { replay(); }
  });
  // --- Whose entries ---------------------------------------------------------------------
  // A signed-in page carries its account's stamp (data-account, in the nav). The empty form
  // the service worker keeps for offline use, and the offline page, carry none: what is
  // saved there belongs to the account last signed in on this phone. Any other page
  // without a stamp is a signed-out page: nobody is signed in here any more.
  var ACCOUNT_KEY = "upright.account";
  function pageAccount() {
    var holder = document.querySelector("[data-account]");
    return holder ? holder.dataset.account : "";
  }
  function isNobodysCopy() {
    return !pageAccount() && (!!entryForm() || !!document.querySelector("[data-offline-page]"));
  }
  function rememberAccount() {
    try {
      if (pageAccount()) { localStorage.setItem(ACCOUNT_KEY, pageAccount()); }
      else if (!isNobodysCopy()) { localStorage.removeItem(ACCOUNT_KEY); }
    } catch (e) { /* storage refused: entries are then kept only from signed-in pages */ }
  }
  function currentAccount() {
    if (pageAccount()) { return pageAccount(); }
    try { return isNobodysCopy() ? localStorage.getItem(ACCOUNT_KEY) || "" : ""; } catch (e) { return ""; }
  }
  function entriesOf(account) {
    return pendingEntries().then(function (entries) {
      return entries.filter(function (entry) { return !!account && entry.account === account; });
    });
  }
  function giveNobodysFormItsOwnUuid() {
    // The kept copy of the form is the same every time it opens: each entry made in it
    // needs a UUID of its own, or a second offline day would replace the first.
    var form = entryForm();
    var field = form && form.querySelector("input[name='client_uuid']");
    if (field && !pageAccount() && window.crypto && crypto.randomUUID) { field.value = crypto.randomUUID(); }
  }

  // --- Signing out with entries not sent yet ---------------------------------------------
  function unsentWords(count) {
    return count === 1 ? "1 entry is not sent yet." : count + " entries are not sent yet.";
  }
  function warnBeforeSigningOut() {
    var form = document.querySelector("form[data-sign-out]");
    var dialog = document.getElementById("unsent-entries");
    if (!form || !dialog || !window.indexedDB || !dialog.showModal) { return; }
    var confirmed = false;
    form.addEventListener("submit", function (event) {
      if (confirmed) { return; }
      event.preventDefault();
      entriesOf(pageAccount()).then(function (entries) {
        if (!entries.length) { signOut(); return; }
        dialog.querySelector("[data-unsent-count]").textContent = unsentWords(entries.length);
        dialog.showModal();
        dialog.querySelector("[data-stay-signed-in]").focus();
      }).catch(signOut);
    });
    function signOut() {
      confirmed = true;
      try { localStorage.removeItem(ACCOUNT_KEY); } catch (e) { /* nothing kept */ }
      form.submit();
    }
    dialog.querySelector("[data-stay-signed-in]").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector("[data-sign-out-anyway]").addEventListener("click", signOut);
  }

  document.addEventListener("DOMContentLoaded", function () {
    rememberAccount();
    giveNobodysFormItsOwnUuid();
    warnBeforeSigningOut();
    freshenCachedForm();
    if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js", {scope: "/"}); }
    if (window.indexedDB) {
      entriesOf(currentAccount()).then(function (entries) {
        if (entries.length && !navigator.onLine) {
          status("Saved on this phone. " + (entries.length === 1 ? "1 entry" : entries.length + " entries") +
            " will be sent when you are back online.", "info");
        }
      }).catch(function () {});
    }
    replay();
  });
})();
