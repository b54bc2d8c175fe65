// Push sign-up on this device: opt in, opt out; browsers without push keep the email path.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.getElementById("push-device");
  if (!box) { return; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) { return; }
  var status = document.getElementById("push-status");
  var on = document.getElementById("push-on");
  var off = document.getElementById("push-off");
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }
  function post(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf } });
  }
  function show(subscribed, text) {
    on.hidden = subscribed; off.hidden = !subscribed; status.textContent = text;
  }
  // The one service worker of the site, at /sw.js: it shows pushes and keeps the app offline.
  var registration = navigator.serviceWorker.register(box.dataset.workerUrl, {scope: "/"});
  registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (existing) {
    box.hidden = false;
    show(Boolean(existing), existing ? "This phone gets push notifications." : "");
  });
  on.addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error("Notifications are blocked in this browser's settings."); }
      return Promise.all([registration, fetch(box.dataset.keyUrl).then(function (r) { return r.json(); })]);
    }).then(function (both) {
      return both[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(both[1].public_key) });
    }).then(function (subscription) {
      return post(box.dataset.subscribeUrl, subscription.toJSON());
    }).then(function (response) {
      if (!response.ok) { throw new Error("Upright could not save this phone. Please try again."); }
      show(true, "This phone gets push notifications.");
    }).catch(function (error) { status.textContent = error.message; });
  });
  off.addEventListener("click", function () {
    registration.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (subscription) {
      if (!subscription) { return null; }
      return post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint }).then(function () { return subscription.unsubscribe(); });
    }).then(function () { show(false, "This phone no longer gets push notifications."); })
      .catch(function (error) { status.textContent = error.message; });
  });
});
