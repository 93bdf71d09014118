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

// On a small screen a data table is stacked, one row a block, and its header row is hidden
// (coopnet.css): each cell then says its column's name. Cells that already carry a data-label
// keep it; cells under an empty header (a row's actions) stay bare. Tables swapped in by htmx
// (search results) are labelled when they arrive.
function labelCells(root) {
  for (const table of root.querySelectorAll("table.data")) {
    const names = Array.from(table.querySelectorAll("thead tr:last-child th"), (th) =>
      th.textContent.trim().replace(/\s+/g, " "),
    );
    for (const row of table.querySelectorAll("tbody tr")) {
      let column = 0;
      for (const cell of row.children) {
        const name = names[column];
        if (name && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", name);
        }
        column += cell.colSpan || 1;
      }
    }
  }
}

document.addEventListener("DOMContentLoaded", () => labelCells(document));
document.addEventListener("htmx:afterSwap", (event) => labelCells(event.target));
