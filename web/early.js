// Warden's pages before the app runs. The server prerenders every page, and
// on a slow link the wasm app takes seconds to arrive; until then this
// script makes the prerendered forms work. It does nothing once the app
// runs. (What was typed, the focus and the caret go over to the app's page
// when it takes over: the app carries them, app/takeover_js.go.)
//
// A form the app has not mounted yet (data-ready="false") is posted to the
// server's form route (server/httpapi/forms.go) with fetch, not by
// navigating: a navigation would restart the app's download. The server
// answers with a redirect; the page it leads to replaces this one's content
// in place, and the address bar follows. Without this script (or without
// fetch) the forms still post the plain way, and the server's redirects do
// the rest.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) {
    return;
  }

  const appRunning = () => document.querySelector('form[data-ready="true"]') !== null;

  // Early submissions.
  let sending = false;
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.ready !== "false") {
      return; // the app's own form: its handler sends it
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (sending) {
      return;
    }
    sending = true;
    const button = form.querySelector('[type="submit"]');
    if (button) {
      button.setAttribute("aria-busy", "true");
    }
    try {
      // A GET form (the recovery codes' Continue) only leads on.
      const get = form.method === "get";
      const res = await fetch(form.action, get ? { credentials: "same-origin" } : {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        redirect: "follow",
      });
      if (!res.ok || !(res.redirected || get)) {
        throw new Error("status " + res.status);
      }
      await show(res);
    } catch (err) {
      // Let the browser post it the plain way: the server answers the same.
      form.submit();
    } finally {
      sending = false;
      if (button) {
        button.removeAttribute("aria-busy");
      }
    }
  }, true);

  // A link to another step of the page, before the app runs: fetched and
  // shown in place too, for the same reason.
  document.addEventListener("click", async (event) => {
    const a = event.target instanceof Element && event.target.closest("a[href]");
    if (!a || appRunning() || a.origin !== location.origin || !a.pathname.startsWith("/login") ||
      event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    try {
      const res = await fetch(a.href, { credentials: "same-origin" });
      if (!res.ok) {
        throw new Error("status " + res.status);
      }
      await show(res);
    } catch (err) {
      window.location.assign(a.href);
    }
  }, true);

  // show puts the page a redirect (or a link) led to in place of this one.
  async function show(res) {
    const next = new DOMParser().parseFromString(await res.text(), "text/html");
    const from = document.body.firstElementChild;
    const to = next.body.firstElementChild;
    if (!from || !to || appRunning()) {
      // The app took over meanwhile: it follows the address itself.
      window.location.assign(res.url);
      return;
    }
    from.replaceWith(document.importNode(to, true));
    document.title = next.title;
    history.pushState(null, "", res.url);
    const first = document.querySelector("[autofocus]");
    if (first) {
      first.focus();
    }
  }
})();
