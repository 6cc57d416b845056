// Asks before a form whose button carries data-confirm is sent (removing something). Without
// JavaScript the form is sent at once; the server-side rules still apply. It listens before
// the form's own listeners (capture), so a form sent by htmx (the projector's Reset) is asked
// about too, and nothing hears the submit when the answer is no.
document.addEventListener(
  "submit",
  (event) => {
    const button = event.submitter;
    const question = button && button.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopPropagation();
    }
  },
  true,
);
