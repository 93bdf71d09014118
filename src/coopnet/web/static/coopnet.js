// The pages' few behaviours, from a file rather than inline attributes: the Content Security
// Policy runs no inline script. A button marked data-print prints the page.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element && event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// A skill field (an <input data-skill-search> with its own <datalist>) suggests the skills
// matching what is typed, asked from the server a moment after typing stops: no page carries
// the whole taxonomy. Without script the field takes a typed name or id all the same.
const skillSearches = new WeakMap();

async function suggestSkills(input) {
  const text = input.value.trim();
  const list = input.list;
  if (!list) {
    return;
  }
  if (!text) {
    list.replaceChildren();
    return;
  }
  skillSearches.get(input)?.abort();
  const asked = new AbortController();
  skillSearches.set(input, asked);
  const url = new URL(input.dataset.skillSearch, window.location.href);
  url.searchParams.set("q", text);
  try {
    const response = await fetch(url, { signal: asked.signal, credentials: "same-origin" });
    if (response.ok && !response.redirected && input.value.trim() === text) {
      list.innerHTML = await response.text();
    }
  } catch (error) {
    if (error.name !== "AbortError") {
      throw error;
    }
  }
}

const skillTimers = new WeakMap();
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.skillSearch) {
    return;
  }
  clearTimeout(skillTimers.get(input));
  skillTimers.set(input, setTimeout(() => suggestSkills(input), 150));
});
