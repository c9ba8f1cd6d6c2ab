/* Web Push on a staff page (`notify/_push_offer.html`): the service worker takes the site, and
   this phone is signed up once notifications are allowed, so news reaches it with the page
   closed. The offer stays hidden where the browser cannot push or the user said no. */
(function () {
  "use strict";
  var offer = document.getElementById("push-offer");
  if (!offer || !("serviceWorker" in navigator)) { return; }
  navigator.serviceWorker.register(offer.dataset.sw, { scope: "/" }).catch(function () {});
  if (!offer.dataset.key || !("PushManager" in window)) { return; }

  function applicationKey(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function register(subscription) {
    return fetch(offer.dataset.subscribeUrl, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(subscription),
      headers: { "Content-Type": "application/json", "X-CSRFToken": offer.dataset.csrf }
    });
  }
  function subscribe(registration) {
    return registration.pushManager.subscribe({ userVisibleOnly: true,
      applicationServerKey: applicationKey(offer.dataset.key) }).then(register).then(function () { offer.hidden = true; });
  }
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription().then(function (existing) {
      if (existing) { return register(existing); }
      if (Notification.permission === "granted") { return subscribe(registration); }
      if (Notification.permission !== "denied") {
        offer.hidden = false;
        offer.querySelector("button").addEventListener("click", function () {
          Notification.requestPermission().then(function (answer) {
            if (answer === "granted") { return subscribe(registration); }
            offer.hidden = true;
          }).catch(function () { offer.hidden = true; });
        });
      }
    });
  }).catch(function () {});
})();
