// The projector's keyboard: space starts or pauses, the arrows go to the previous or next
// assignment. Each key presses the matching button, so the server decides and every screen
// follows. Keys typed into a field, and space on a focused button (which the browser presses
// itself), are left alone; the arrows still work there, as the buttons keep the focus when htmx
// replaces them (a clicked Start, then a presenter's remote). A full-screen button appears where
// the browser allows it.
(() => {
  const keys = { " ": "toggle", ArrowRight: "next", ArrowLeft: "previous" };

  document.addEventListener("keydown", (event) => {
    const name = keys[event.key];
    if (!name || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, a, summary")) {
      return;
    }
    if (event.key === " " && target.closest && target.closest("button")) {
      return;
    }
    const button = document.querySelector(`[data-key="${name}"]`);
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  // On the first or last assignment Previous or Next comes back disabled, and a disabled button
  // cannot hold the focus: it goes to Start/Pause instead of falling to the page.
  let focused = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "projector-state") {
      focused = document.activeElement ? document.activeElement.id : null;
    }
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (!event.detail.target || event.detail.target.id !== "projector-state" || !focused) {
      return;
    }
    const was = document.getElementById(focused);
    focused = null;
    if (was && was.disabled && document.activeElement === document.body) {
      const toggle = document.getElementById("clock-toggle");
      if (toggle) {
        toggle.focus();
      }
    }
  });

  const full = document.querySelector("[data-fullscreen]");
  const area = document.documentElement;
  if (full && area.requestFullscreen) {
    full.hidden = false;
    full.addEventListener("click", () => {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        area.requestFullscreen();
      }
    });
  }
})();
