// The staff console's only script (served by the app). Every page works without it; with it,
// a button with data-confirm asks first, and the display settings apply as soon as one changes.
"use strict";
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
});
document.querySelectorAll("form[data-autosubmit] button").forEach((button) => {
  button.hidden = true;
});
