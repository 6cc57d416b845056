// The teacher's session page asks the server every 10 seconds for the current step. When the
// step changes (the projector moved on), a screen reader hears it: the new step's label and
// title ("Nu: Vertel over je leerlijn") go into the page's polite #announcer. The same step
// again, or a clock that only ticks, says nothing.
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

  let last = step(document);
  document.addEventListener("htmx:afterSwap", (event) => {
    const now = document.getElementById("my-session");
    if (!announcer || !now || !event.detail.target || event.detail.target.id !== "my-session") {
      return;
    }
    const said = step(now);
    if (said && said !== last) {
      announcer.textContent = said;
    }
    last = said;
  });
})();
