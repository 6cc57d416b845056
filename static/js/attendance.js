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
  // Every row's "Show a sign-in code" sends the one form #door (to the row's formaction).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!changed || form === list || form.id !== "door") {
      return;
    }
    if (!window.confirm(list.dataset.unsavedConfirm)) {
      event.preventDefault();
    }
  });
})();

// Who is there: the round lists ("from round", "until round") are in the page once, in a
// <template>; a row gets its own copy, named for its person, when "part of it" is chosen (150 rows
// with two lists each made the page twice as heavy). A row already "part of it" has its lists
// from the server; without JavaScript the row asks for the rounds after saving and shows them.
(() => {
  const list = document.querySelector(".attendance-form");
  const template = document.querySelector("template#attendance-rounds");
  if (!list || !template) {
    return;
  }
  list.addEventListener("change", (event) => {
    const radio = event.target;
    if (!radio.matches('.btn-check[value="partly"]') || !radio.checked) {
      return;
    }
    const row = radio.closest(".attendance-row");
    if (!row || row.querySelector(".attendance-rounds")) {
      return;
    }
    const pk = radio.name.replace(/^status_/, "");
    const rounds = template.content.firstElementChild.cloneNode(true);
    for (const select of rounds.querySelectorAll("select[data-name]")) {
      select.name = `${select.dataset.name}_${pk}`;
    }
    row.querySelector(".attendance-choices").after(rounds);
  });
})();

// Who is there, at the door: with 150 names, typing part of one shows only the matching rows
// (capitals and accents ignored). Hidden rows keep their choices and are saved with the rest.
(() => {
  const box = document.querySelector(".attendance-filter");
  const list = document.querySelector(".attendance-form");
  if (!box || !list) {
    return;
  }
  const input = box.querySelector("input");
  const count = box.querySelector("#attendance-filter-count");
  const plain = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  const rows = [...list.querySelectorAll(".attendance-row")].map((row) => ({
    row,
    name: plain(row.querySelector(".attendance-name").textContent),
  }));
  box.hidden = false;
  input.addEventListener("input", () => {
    const wanted = plain(input.value);
    let shown = 0;
    for (const { row, name } of rows) {
      const match = !wanted || name.includes(wanted);
      row.hidden = !match;
      shown += match ? 1 : 0;
    }
    for (const group of list.querySelectorAll(".attendance-line")) {
      group.hidden = !group.querySelector(".attendance-row:not([hidden])");
    }
    if (!wanted) {
      count.textContent = "";
    } else if (shown === 0) {
      count.textContent = count.dataset.none;
    } else {
      count.textContent = count.dataset.some
        .replace("%(count)s", String(shown))
        .replace("%(total)s", String(rows.length));
    }
  });
})();
