// The reflection form's autosave (htmx posts the form a moment after the last keystroke; see
// templates/sessions_app/reflections/answer.html). This file only makes it sturdy:
// - the CSRF token is read from the cookie on every save, so signing in again in another tab
//   (which renews the token) does not make this page's saves fail;
// - a save that fails (no network, a server error) says so in the live region and is tried
//   again a few seconds later, until one gets through;
// - a save whose answer says what the live region already says ("Saved 14:05" again) leaves the
//   region alone, so a screen reader announces the state once, not after every pause in typing.
// - a submitted reflection is not autosaved (a change waits for "Save changes"): leaving the
//   page with a change not saved asks first, with the browser's own question, so an edit made
//   on a phone far below the status line is not lost unnoticed.
// Without JavaScript the form's own buttons save the draft and submit.
(() => {
  const RETRY_AFTER = 5000;
  const MAX_RETRIES = 60;

  function cookie(name) {
    const prefix = `${name}=`;
    const found = document.cookie.split("; ").find((part) => part.startsWith(prefix));
    return found ? decodeURIComponent(found.slice(prefix.length)) : null;
  }

  function autosaveForm(event) {
    const element = event.detail && event.detail.elt;
    return element && element.matches && element.matches("form[data-autosave]") ? element : null;
  }

  let retries = 0;
  let timer = null;

  document.addEventListener("htmx:configRequest", (event) => {
    if (!autosaveForm(event)) {
      return;
    }
    const token = cookie("csrftoken");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  function retry(event) {
    const form = autosaveForm(event);
    if (!form) {
      return;
    }
    const status = document.getElementById("autosave-status");
    if (status) {
      status.textContent = form.dataset.retryText;
    }
    if (timer !== null || retries >= MAX_RETRIES) {
      return;
    }
    retries += 1;
    timer = window.setTimeout(() => {
      timer = null;
      window.htmx.trigger(form, "autosave-retry");
    }, RETRY_AFTER);
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.target;
    if (!status || status.id !== "autosave-status" || !event.detail.shouldSwap) {
      return;
    }
    const incoming = document.createElement("template");
    incoming.innerHTML = event.detail.serverResponse;
    const said = (text) => text.trim().replace(/\s+/g, " ");
    if (said(incoming.content.textContent) === said(status.textContent)) {
      event.detail.shouldSwap = false;
    }
  });

  let unsaved = false;
  document.addEventListener("input", (event) => {
    if (event.target.closest && event.target.closest("form[data-autosave][data-submitted]")) {
      unsaved = true;
    }
  });
  document.addEventListener("submit", (event) => {
    if (event.target.matches && event.target.matches("form[data-autosave]")) {
      unsaved = false;
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.addEventListener("htmx:sendError", retry);
  document.addEventListener("htmx:responseError", retry);
  document.addEventListener("htmx:afterRequest", (event) => {
    if (autosaveForm(event) && event.detail.successful) {
      retries = 0;
    }
  });
})();
