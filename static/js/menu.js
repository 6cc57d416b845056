// Escape closes the open main menu (on a phone it folds over the page) and gives the focus back
// to the button that opened it, as a keyboard user expects of a disclosure.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") {
    return;
  }
  const menu = document.getElementById("main-navigation");
  if (!menu || !menu.classList.contains("show") || !window.bootstrap) {
    return;
  }
  window.bootstrap.Collapse.getOrCreateInstance(menu, { toggle: false }).hide();
  const button = document.querySelector('[aria-controls="main-navigation"]');
  if (button) {
    button.focus();
  }
});
