// The overview: a wide table's "swipe sideways" hint shows only while the table is wider than
// its scrolling box (on a phone), and hides again when the screen turns or grows.
(() => {
  const boxes = [...document.querySelectorAll("[data-swipe-hint]")];
  if (!boxes.length) return;
  const update = () => {
    boxes.forEach((box) => {
      const hint = document.getElementById(box.dataset.swipeHint);
      if (hint) hint.hidden = box.scrollWidth <= box.clientWidth + 1;
    });
  };
  update();
  window.addEventListener("resize", update);
})();
