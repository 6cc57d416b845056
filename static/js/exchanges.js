// Starting a small exchange: find a colleague by name in the long list, keep a colleague ticked
// in both places (the suggestions and the list of everyone), and say in a word when the
// suggestions change. The page works without it.
(function () {
  "use strict";
  const form = document.querySelector("form.exchange-start");
  if (!form) {
    return;
  }
  const filterBox = form.querySelector("[data-colleague-filter]");
  const input = document.getElementById("colleague-filter");
  if (filterBox && input) {
    filterBox.hidden = false;
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    input.addEventListener("input", () => {
      const term = input.value.trim().toLowerCase();
      form.querySelectorAll(".colleague-list li").forEach((item) => {
        item.hidden = term !== "" && !item.dataset.name.includes(term);
      });
      form.querySelectorAll(".colleague-group").forEach((group) => {
        group.hidden = ![...group.querySelectorAll("li")].some((item) => !item.hidden);
      });
    });
  }
  // New suggestions arrive at every pause while the person types the topic, mostly the same
  // colleagues with the same reasons. The list is no live region (read out each time, its names
  // and reasons would drown the typing): an answer that lists what is shown already is not
  // swapped in, and a changed list is announced by the short line in #suggestions-status
  // ("5 suggesties"). A colleague ticked in the list of everyone meanwhile stays ticked.
  const status = document.getElementById("suggestions-status");
  const listed = (root) =>
    [...root.querySelectorAll('input[name="invitees"]')].map((box) => box.value).join(" ") +
    "|" +
    root.textContent.trim().replace(/\s+/g, " ");
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "suggestions" || !event.detail.shouldSwap) {
      return;
    }
    const incoming = document.createElement("template");
    incoming.innerHTML = event.detail.serverResponse;
    if (listed(incoming.content) === listed(target)) {
      event.detail.shouldSwap = false;
    }
  });
  // Emptied first and filled a moment later, so that "5 suggesties" after another list of five
  // is read out again.
  let pending = null;
  const announce = (text) => {
    if (!status || !text) {
      return;
    }
    window.clearTimeout(pending);
    status.textContent = "";
    pending = window.setTimeout(() => {
      status.textContent = text;
    }, 100);
  };
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "suggestions") {
      return;
    }
    const ticked = new Set(
      [...form.querySelectorAll('.colleague-list input[name="invitees"]:checked')].map(
        (box) => box.value,
      ),
    );
    event.detail.target.querySelectorAll('input[name="invitees"]').forEach((box) => {
      box.checked = ticked.has(box.value);
    });
    const said = event.detail.target.querySelector("[data-status-text]");
    announce(said ? said.dataset.statusText : "");
  });
  // The error summary's link to the colleagues leads to their fieldset; the focus goes on into
  // its first box, where the group's name and message are read out.
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", (event) => {
      const box = form.querySelector('#invitee-choices input[name="invitees"]');
      if (box && event.target.closest('a[href="#invitee-choices"]')) {
        event.preventDefault();
        box.focus();
      }
    });
  }
  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box.name !== "invitees") {
      return;
    }
    form.querySelectorAll('input[name="invitees"]').forEach((other) => {
      if (other.value === box.value) {
        other.checked = box.checked;
      }
    });
  });
})();
