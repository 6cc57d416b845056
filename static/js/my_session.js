// The teacher's session page asks the server every 10 seconds for the current step. When the
// step changes (the projector moved on), a screen reader hears it: the new step's label and
// title ("Nu: Vertel over je leerlijn") go into the page's polite #announcer. So does the
// current round's table when it changes ("Ronde 2 — tafel 4": a new round, or the plan was
// repaired for someone arriving late), which a sighted teacher sees at once. The same step and
// table again, or a clock that only ticks, says nothing.
(() => {
  const announcer = document.getElementById("announcer");

  function step(root) {
    const label = root.querySelector("#now-title");
    const title = root.querySelector(".my-now h2");
    if (!label || !title) {
      return "";
    }
    return `${label.textContent.trim()}: ${title.textContent.trim()}`;
  }

  function table(root) {
    const heading = root.querySelector(".my-table-now h2");
    return heading ? heading.textContent.trim() : "";
  }

  let last = step(document);
  let lastTable = table(document);
  document.addEventListener("htmx:afterSwap", (event) => {
    const now = document.getElementById("my-session");
    if (!announcer || !now || !event.detail.target || event.detail.target.id !== "my-session") {
      return;
    }
    const said = step(now);
    const seat = table(now);
    const news = [];
    if (said && said !== last) {
      news.push(said);
    }
    if (seat && seat !== lastTable) {
      news.push(seat);
    }
    if (news.length) {
      announcer.textContent = news.join(". ");
    }
    last = said;
    lastTable = seat;
  });
})();
