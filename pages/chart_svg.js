// "Download as SVG" next to Plotly's own "Download plot as a png" in every chart's toolbar.
// Plotly's toolbar has one image button whose format comes from the chart's config
// (toImageButtonOptions, PNG here); this adds a second button that clicks that one with the
// format switched to SVG for that click only. A MutationObserver re-adds it whenever Plotly
// redraws a toolbar. Mounted once per page by pages/presenter.py (chart_downloads).

const SVG_TITLE = "Download plot as an SVG";
const SVG_ICON =
  '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" ' +
  'd="M5 20h14v-2H5v2zm7-18l-5.5 5.5 1.4 1.4L11 5.8V16h2V5.8l3.1 3.1 1.4-1.4L12 2z" transform="rotate(180 12 11)"/></svg>';

function addSvgButton(modebar) {
  if (modebar.querySelector('[data-title="' + SVG_TITLE + '"]')) return;
  const png = modebar.querySelector('[data-title^="Download plot"]');
  const plot = modebar.closest(".js-plotly-plot");
  if (!png || !plot) return;
  const button = document.createElement("a");
  button.className = "modebar-btn";
  button.setAttribute("rel", "tooltip");
  button.setAttribute("data-title", SVG_TITLE);
  button.setAttribute("data-bl-svg", "");
  button.innerHTML = SVG_ICON;
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const options = plot._context && plot._context.toImageButtonOptions;
    if (!options) return;
    const format = options.format;
    options.format = "svg";
    try {
      png.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    } finally {
      options.format = format;
    }
  });
  png.parentNode.insertBefore(button, png.nextSibling);
}

export default function () {
  if (window.__blSvgObserver) return;
  const scan = () => document.querySelectorAll(".js-plotly-plot .modebar").forEach(addSvgButton);
  window.__blSvgObserver = new MutationObserver(scan);
  window.__blSvgObserver.observe(document.body, { childList: true, subtree: true });
  scan();
}
