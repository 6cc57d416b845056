// Asks before a form whose button carries data-confirm is sent (removing something). Without
// JavaScript the form is sent at once; the server-side rules still apply.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
