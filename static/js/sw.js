/* Upright's service worker. It keeps the app usable with no signal without keeping anyone's
   data: the cache holds the app shell, static files, the offline page and an entry form with
   nobody's data in it, never a page that shows a person's data (on a shared phone the next
   person would be shown it). Pages come from the network; with no network, a new entry for
   today gets the empty form, and every other page the offline page. */
"use strict";
const CACHE = "__CACHE_VERSION__";
const SHELL = ["__SHELL__"];
const OFFLINE_URL = "/offline/";
const OFFLINE_ENTRY_URL = "/offline/entry/";
const NEW_ENTRY_PAGE = "/today/";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([...SHELL, OFFLINE_URL, OFFLINE_ENTRY_URL]))
      .then(() => self.skipWaiting())
  );
});

// Every other cache goes, with whatever an earlier version of this worker kept in it.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

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
    const fallback = url.pathname === NEW_ENTRY_PAGE ? OFFLINE_ENTRY_URL : OFFLINE_URL;
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(fallback).then((hit) => hit || caches.match(OFFLINE_URL)))
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
