// Starting a small exchange: find a colleague by name in the long list, and keep a colleague
// ticked in both places (the suggestions and the list of everyone). The page works without it.
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
  // New suggestions arrive while the person types; a colleague ticked in the list of everyone
  // meanwhile stays ticked in them too.
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
  });
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
