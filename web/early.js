// Warden's pages before the app runs. The server prerenders every page, and
// on a slow link the wasm app takes seconds to arrive; until then this
// script makes the prerendered forms work, and keeps what the user typed
// when the app takes the page over. It does nothing once the app runs.
//
// - A form the app has not mounted yet (data-ready="false") is posted to
//   the server's form route (server/httpapi/forms.go) with fetch, not by
//   navigating: a navigation would restart the app's download. The server
//   answers with a redirect; the page it leads to replaces this one's
//   content in place, and the address bar follows.
// - When the app replaces the prerendered page, the values typed (or filled
//   in by a password manager) and the focus move to the app's fields of the
//   same id, as input events, so the app's state holds them too.
// Without this script (or without fetch) the forms still post the plain
// way, and the server's redirects do the rest.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.MutationObserver) {
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

  // What was typed, by field id, and which field had the focus.
  const typed = new Map();
  let focused = "";
  const remember = (el) => {
    if (el instanceof HTMLInputElement && el.id && el.type !== "checkbox" && el.value !== "") {
      typed.set(el.id, { value: el.value, start: el.selectionStart, end: el.selectionEnd });
    }
  };
  document.addEventListener("input", (e) => remember(e.target), true);
  document.addEventListener("focusin", (e) => {
    if (e.target.id) {
      focused = e.target.id;
    }
  }, true);

  const observer = new MutationObserver((records) => {
    // The prerendered fields being taken out still hold their values,
    // including what a password manager filled in without an event.
    for (const r of records) {
      for (const n of r.removedNodes) {
        if (n.querySelectorAll) {
          n.querySelectorAll("input").forEach(remember);
        }
      }
    }
    for (const [id, saved] of typed) {
      const el = document.getElementById(id);
      if (!el || !el.isConnected || el.value !== "") {
        continue;
      }
      el.value = saved.value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      typed.delete(id);
      if (id === focused && (document.activeElement === document.body || !document.activeElement)) {
        el.focus();
        try {
          el.setSelectionRange(saved.start, saved.end);
        } catch (_) {
          // types without a selection (number, email) keep the caret at the end
        }
      }
    }
    const lost = focused && document.getElementById(focused);
    if (lost && (document.activeElement === document.body || !document.activeElement)) {
      lost.focus();
    }
    if (appRunning() && typed.size === 0) {
      observer.disconnect();
    }
  });
  observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-ready"] });
})();
