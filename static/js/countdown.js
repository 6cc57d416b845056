// Counts down from what the server said (data-remaining, in seconds, computed from the server's
// clock), so a phone with a wrong clock still shows the right time. When the server's next
// answer arrives (htmx polling), the count starts again from its value. At zero the clock's
// container gets data-time-up: the page shows "time is up" in words and a striped frame, never
// colour alone, and a screen reader hears it once, through the page's #announcer (the clock
// itself is replaced at every poll, so a live region inside it is not reliably read out). The
// clock's data-clock-key names one run of one assignment: the same key is said once, however
// many polls show it.
(() => {
  const started = new WeakMap();
  const announcer = document.getElementById("announcer");
  let announced = null;

  function announce(clock) {
    const key = clock.dataset.clockKey;
    const text = clock.dataset.timeUpText;
    if (!announcer || !key || !text || key === announced) {
      return;
    }
    announced = key;
    announcer.textContent = text;
  }

  function format(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return `${minutes}:${String(rest).padStart(2, "0")}`;
  }

  function tick() {
    const now = performance.now();
    document.querySelectorAll("[data-clock][data-time-up]").forEach(announce);
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
        announce(clock);
      }
    });
  }

  tick();
  window.setInterval(tick, 250);
})();
