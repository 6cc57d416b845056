// Who is there, at the door: "Show a sign-in code" sends a form of its own, so changes not saved
// yet in the list (someone marked as coming later, a moment before) would be lost without a word.
// Once the list has changed, the button asks first; after "Save attendance" nothing is asked.
(() => {
  const list = document.querySelector(".attendance-form[data-unsaved-confirm]");
  if (!list) {
    return;
  }
  let changed = false;
  list.addEventListener("change", () => {
    changed = true;
  });
  list.addEventListener("submit", () => {
    changed = false;
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!changed || form === list || !form.id.startsWith("door-")) {
      return;
    }
    if (!window.confirm(list.dataset.unsavedConfirm)) {
      event.preventDefault();
    }
  });
})();
