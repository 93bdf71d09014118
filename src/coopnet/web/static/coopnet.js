// The pages' few behaviours, from a file rather than inline attributes: the Content Security
// Policy runs no inline script. A button marked data-print prints the page.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
