// The scheduler view: after htmx replaces the board, put the keyboard focus back where the person
// was working (the chosen seat, the message about the change, or the round they left), so a swap
// can be made with the keyboard alone. Everything works without this file too (plain links and
// forms).
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "plan-board" && event.target.id !== "plan-board") {
    return;
  }
  const board = document.getElementById("plan-board");
  if (!board) {
    return;
  }
  // A link that only changes the view (Cancel) names in data-focus-after where to go on.
  const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  const after = trigger && trigger.dataset ? trigger.dataset.focusAfter : null;
  const chosen = board.querySelector("[data-autofocus]");
  const status = board.querySelector(".messages");
  const target = chosen || status || (after && document.getElementById(after));
  if (target) {
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: false });
  }
});
