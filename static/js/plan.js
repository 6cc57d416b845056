// The scheduler view: after htmx replaces the board, put the keyboard focus back where the person
// was working, so a swap can be made with the keyboard alone and the next one started from the
// same place, and let a name's link fetch only the board. Everything works without this file too
// (plain links and forms).
// - Choosing a name: the chosen seat. Cancel: the place its link names in data-focus-after.
// - A swap or move that went through: its message ("Swapped.", and what it cost) stands at the
//   table where the button was pressed, with "Undo this swap" one Tab on; the focus goes to that
//   message, which is read out as it gets the focus. Its Undo says there what it undid, and the
//   focus goes to that message in turn.
// - Another change that went through in a round: locking or unlocking a table keeps the focus on
//   that table's button (Unlock now), re-planning a round puts it on the round's heading. Undo
//   (or Make the plan again) at the top keeps it on its button while that can be pressed again.
//   The message is read out by the page's empty live region (#announcer): one that arrives
//   with its text is not.
// - A change that was refused (the message says why, nothing succeeded), or anything else: the
//   message itself, so it is read first.
(() => {
  // The button that sent the form (a seat's "Swap with" or "Move here" sends the round's form
  // from outside it).
  const submitted = (event) => {
    const config = event.detail.requestConfig;
    const trigger = config && config.triggeringEvent;
    return (trigger && trigger.submitter) || (config && config.elt) || null;
  };

  const focusable = (element) => {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    return element;
  };

  // Where a change that went through continues, found in the new board from the old button.
  const continuation = (board, button) => {
    const card = button.closest("article.plan-table");
    if (card) {
      const heading = document.getElementById(card.getAttribute("aria-labelledby"));
      const newCard = heading && heading.closest("article.plan-table");
      if (!newCard) {
        return null;
      }
      const lock = button.matches(".plan-lock") && newCard.querySelector(".plan-lock");
      return lock || focusable(heading);
    }
    const round = button.closest(".plan-round");
    if (round) {
      const heading = document.getElementById(`${round.id}-title`);
      return heading ? focusable(heading) : null;
    }
    // Elsewhere (Undo, Make the plan again): the same button, while it can be pressed again.
    const form = button.form;
    const action = form && form.getAttribute("action");
    const label = button.textContent.trim();
    return (
      [...board.querySelectorAll("form")]
        .filter((other) => action && other.getAttribute("action") === action)
        .map((other) => other.querySelector("button[type=submit]"))
        .find((next) => next && !next.disabled && next.textContent.trim() === label) || null
    );
  };

  const announce = (status) => {
    const announcer = document.getElementById("announcer");
    if (!announcer) {
      return false;
    }
    const text = status.textContent.trim().replace(/\s+/g, " ");
    status.removeAttribute("role");
    status.removeAttribute("aria-live");
    // Emptied first, so the same words after the next change are read out again.
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 100);
    return true;
  };

  // A name on the board is a plain link (?round=2&select=17, which works without this file);
  // here it fetches only the board, as an hx-get would, without one repeated on every seat.
  // The link is the request's source, so the focus goes on as for any other link.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest("a.plan-seat-name");
    if (
      !link ||
      !window.htmx ||
      !link.closest("#plan-board") ||
      event.defaultPrevented ||
      event.button !== 0 ||
      event.ctrlKey ||
      event.metaKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    event.preventDefault();
    window.htmx.ajax("GET", link.getAttribute("href").split("#")[0], {
      source: link,
      target: "#plan-board",
      swap: "outerHTML",
    });
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "plan-board" && event.target.id !== "plan-board") {
      return;
    }
    const board = document.getElementById("plan-board");
    if (!board) {
      return;
    }
    const button = submitted(event);
    // A link that only changes the view (Cancel) names in data-focus-after where to go on.
    const after = button && button.dataset ? button.dataset.focusAfter : null;
    const chosen = board.querySelector("[data-autofocus]");
    const notice = board.querySelector(".plan-notice");
    const status = board.querySelector(".messages");
    const succeeded = status && status.querySelector(".alert-success");
    let target = chosen;
    if (!target && notice && button && button.matches("button")) {
      // Read out once, as it gets the focus: not as a live region too.
      notice.removeAttribute("role");
      notice.removeAttribute("aria-live");
      target = notice;
    }
    if (!target && succeeded && button && button.matches("button")) {
      const next = continuation(board, button);
      if (next && announce(status)) {
        target = next;
      }
    }
    target = target || status || (after && document.getElementById(after));
    if (target) {
      focusable(target).focus({ preventScroll: false });
    }
  });
})();
