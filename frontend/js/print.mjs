// Print buttons (the chronology's): shown only when this script runs, since they need it.
// Without scripts the browser's own print command does the same, with the same print stylesheet.
for (const button of document.querySelectorAll("[data-cairn-print]")) {
  button.classList.remove("govuk-!-display-none");
  button.addEventListener("click", () => window.print());
}
