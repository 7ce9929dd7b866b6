// GOV.UK's error summary: focus moves to it when the page loads, so a screen reader reads the
// problems first; a link in it focuses its field (a group's first control) rather than only
// scrolling to it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    const control = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea, button, a[href]");
    event.preventDefault();
    target.scrollIntoView();
    (control || target).focus({ preventScroll: true });
  });
});
