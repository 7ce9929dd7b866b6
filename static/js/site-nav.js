/* The main navigation folds behind a "Menu" button on narrow screens. Without this
   script there is no button and the list simply shows; the stylesheet folds the list
   only under the "js-nav" class this script adds. It loads in <head> (a file, as the
   CSP asks), so the list never flashes open before it folds. */
document.documentElement.classList.add("js-nav");
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector(".site-nav__toggle");
  if (!button) return;
  const setOpen = (open) => button.setAttribute("aria-expanded", String(open));
  button.hidden = false;
  button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
  button.parentElement.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
});
