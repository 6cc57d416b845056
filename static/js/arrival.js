// What a keyboard or screen-reader user meets when a page arrives, most often after sending a form:
// - a form that came back with errors puts the focus on the first of them (the error summary, the
//   message above the form, or the first field marked invalid, whose aria-describedby reads its
//   error out), not on the page's top or on a field with autofocus. A link to a place on the page
//   (#…) still decides where the page starts.
// - the page's messages ("Saved.") are read out politely. A live region that already holds its
//   text when the page loads is not announced, so the text goes into the empty #announcer a moment
//   later. Messages that htmx swaps in later keep their own live region.
(() => {
  const main = document.getElementById("main");
  if (!main) {
    return;
  }

  if (!window.location.hash) {
    const first = main.querySelector(
      '[data-error-summary], form .alert-danger, form [aria-invalid="true"]',
    );
    if (first) {
      const target = first.matches("fieldset")
        ? first.querySelector("input, select, textarea") || first
        : first;
      if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  }

  const announcer = document.getElementById("announcer");
  const messages = main.querySelector(".messages");
  if (announcer && messages) {
    const text = messages.textContent.trim().replace(/\s+/g, " ");
    messages.removeAttribute("role");
    messages.removeAttribute("aria-live");
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 500);
  }
})();
