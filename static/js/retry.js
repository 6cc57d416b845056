// A page that failed on the server's side (a 500 during a database restart, say) tries again
// by itself: after the seconds in data-retry-seconds it reloads, counting down in words that a
// screen reader announces. Only the 500 page of a GET loads this, so no form is sent twice.
(function () {
  "use strict";
  var note = document.querySelector("[data-retry-seconds]");
  if (!note) {
    return;
  }
  var left = parseInt(note.getAttribute("data-retry-seconds"), 10) || 10;
  var counter = note.querySelector("[data-retry-counter]");
  var timer = window.setInterval(function () {
    left -= 1;
    if (counter) {
      counter.textContent = String(Math.max(left, 0));
    }
    if (left <= 0) {
      window.clearInterval(timer);
      window.location.reload();
    }
  }, 1000);
})();
