// The scheduler view: after htmx replaces the board, put the keyboard focus back where the person
// was working (the chosen seat, or the round they changed), so a swap can be made with the
// keyboard alone. Everything works without this file too (plain links and forms).
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "plan-board" && event.target.id !== "plan-board") {
    return;
  }
  const board = document.getElementById("plan-board");
  if (!board) {
    return;
  }
  const chosen = board.querySelector("[data-autofocus]");
  const status = board.querySelector(".messages");
  const target = chosen || status;
  if (target) {
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: false });
  }
});
