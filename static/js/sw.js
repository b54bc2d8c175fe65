/* Upright's service worker: the app shell and static files from the cache, pages from the
   network with the last copy as a fallback, and an offline page for the rest. */
"use strict";
const CACHE = "__CACHE_VERSION__";
const SHELL = ["__SHELL__"];
const OFFLINE_URL = "/offline/";
const KEEP_PAGES = ["/today/", "/entries/", "/log/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([...SHELL, OFFLINE_URL])).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function keepsPage(url) {
  return KEEP_PAGES.some((prefix) => url.pathname.startsWith(prefix));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        const copy = response.clone();
        if (response.ok) { caches.open(CACHE).then((cache) => cache.put(request, copy)); }
        return response;
      }))
    );
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && keepsPage(url) && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      }).catch(() =>
        caches.match(url.pathname)
          .then((hit) => hit || (keepsPage(url) ? caches.match("/today/") : undefined))
          .then((hit) => hit || caches.match(OFFLINE_URL))
      )
    );
  }
});

self.addEventListener("push", (event) => {
  let data = {title: "Upright", body: "", url: "/"};
  try { data = Object.assign(data, event.data ? event.data.json() : {}); } catch (e) { /* plain text */ }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body, icon: "/static/icons/icon-192.png", data: {url: data.url}
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.openWindow(target));
});

self.addEventListener("sync", (event) => {
  if (event.tag === "upright-entries") {
    event.waitUntil(self.clients.matchAll().then((clients) =>
      clients.forEach((client) => client.postMessage({type: "replay-entries"}))));
  }
});
