// Counts down from what the server said (data-remaining, in seconds, computed from the server's
// clock), so a phone with a wrong clock still shows the right time. When the server's next
// answer arrives (htmx polling), the count starts again from its value. At zero the clock's
// container gets data-time-up: the page shows "time is up" in words and a striped frame, never
// colour alone.
(() => {
  const started = new WeakMap();

  function format(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return `${minutes}:${String(rest).padStart(2, "0")}`;
  }

  function tick() {
    const now = performance.now();
    document.querySelectorAll("[data-countdown]").forEach((element) => {
      if (!started.has(element)) {
        started.set(element, now);
      }
      if (element.dataset.running !== "1") {
        return;
      }
      const total = Number(element.dataset.remaining || 0);
      const left = Math.max(0, Math.round(total - (now - started.get(element)) / 1000));
      element.textContent = format(left);
      const clock = element.closest("[data-clock]");
      if (clock && left === 0) {
        clock.setAttribute("data-time-up", "");
      }
    });
  }

  tick();
  window.setInterval(tick, 250);
})();
