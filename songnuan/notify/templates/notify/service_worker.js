{% load static %}/* The site's service worker: shows Web Push notifications (and tells the server it did), opens
   the task when one is tapped, and keeps the pages a phone asked to keep for a dead spot. */
"use strict";
var PAGES = "songnuan-pages-v1";
var ASSETS = "songnuan-assets-v1";
var STATIC = "{{ static_url|escapejs }}";
var LOGIN = "{% url 'login' %}";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

/* A page asks to be kept ("keep") with the address it was opened at; signing out drops them all,
   so the next person on a shared phone finds nothing. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.keep) {
    event.waitUntil(caches.open(PAGES).then(function (cache) {
      return fetch(data.keep, { credentials: "same-origin", headers: { "X-Songnuan-Keep": "1" } }).then(function (response) {
        if (response.ok && !response.redirected) { return cache.put(data.keep, response); }
      });
    }).catch(function () {}));
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    if (url.pathname === LOGIN) { event.waitUntil(caches.delete(PAGES)); return; }
    event.respondWith(fetch(request).then(function (response) {
      if (response.redirected && new URL(response.url).pathname === LOGIN) { caches.delete(PAGES); }
      return response;
    }, function () {
      return caches.open(PAGES).then(function (cache) { return cache.match(request, { ignoreSearch: true, ignoreVary: true }); })
        .then(function (kept) { return kept || Response.error(); });
    }));
    return;
  }
  /* Scripts and styles: the network's copy when there is one (a new release must not wait),
     the last one seen when there is not. */
  if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(ASSETS).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }, function () {
      return caches.match(request, { ignoreVary: true }).then(function (cached) { return cached || Response.error(); });
    }));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data.text() }; }
  var shown = self.registration.showNotification(data.title || "", {
    body: data.body || "", tag: data.tag || undefined, renotify: !!data.tag, requireInteraction: true,
    icon: "{% static 'notify/icon-192.png' %}", badge: "{% static 'notify/icon-192.png' %}",
    vibrate: [300, 100, 300, 100, 300], data: { url: data.url || "/" }
  });
  event.waitUntil(shown.then(function () {
    if (!data.token) { return; }
    return fetch("{% url 'notify:push_ack' %}", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "token=" + encodeURIComponent(data.token)
    }).catch(function () {});
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data || {}).url || "/", self.location.origin).href;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(target);
  }));
});
