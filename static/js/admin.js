/* Brengen & Halen: accessibility fixes for widgets the Django admin builds with JavaScript.
   Loaded from templates/admin/base_site.html; no inline script (strict content security policy). */
"use strict";

(function () {
  let labelCount = 0;

  function labelId(label) {
    if (!label.id) {
      labelCount += 1;
      label.id = "admin-label-" + labelCount;
    }
    return label.id;
  }

  function fix() {
    // The filter boxes of "groups" and "permissions" put aria-label on a plain span, which has no
    // role that may carry a name: make it an image with that name.
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
    // Autocomplete boxes (select2) name their combobox after the chosen value only; add the
    // field's own label, so an empty box still says what it is for.
    document.querySelectorAll(".select2-selection[role=combobox]").forEach(function (box) {
      const container = box.closest(".select2");
      const select = container && container.previousElementSibling;
      const label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (!label || box.dataset.labelled) {
        return;
      }
      const rendered = box.querySelector(".select2-selection__rendered");
      const id = labelId(label);
      box.setAttribute("aria-labelledby", rendered && rendered.id ? id + " " + rendered.id : id);
      if (rendered) {
        rendered.setAttribute("aria-labelledby", id);
      }
      box.dataset.labelled = "yes";
    });
  }

  window.addEventListener("load", function () {
    fix();
    // Rows added with "Add another" bring new widgets.
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  });
})();
