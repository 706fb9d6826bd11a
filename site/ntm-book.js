// The NTM book's page script (every page): a figure shrunk to fit the text column opens at
// its full size when clicked (or on Enter), in an overlay that Escape or a click closes.
(function () {
  "use strict";
  var FIGURES = "div.cell_output img";

  function shrunk(img) {
    return !img.closest(".widget-subarea") && img.naturalWidth > img.getBoundingClientRect().width + 1;
  }

  function close(overlay, opener) {
    overlay.remove();
    document.removeEventListener("keydown", overlay._onKey);
    if (opener) opener.focus();
  }

  function open(img) {
    var overlay = document.createElement("div");
    overlay.className = "ntm-zoom";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", "figure at full size (Escape closes)");
    overlay.tabIndex = -1;
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    overlay.appendChild(big);
    overlay.addEventListener("click", function () { close(overlay, img); });
    overlay._onKey = function (event) { if (event.key === "Escape") close(overlay, img); };
    document.addEventListener("keydown", overlay._onKey);
    document.body.appendChild(overlay);
    overlay.focus();
  }

  function mark() {
    document.querySelectorAll(FIGURES).forEach(function (img) {
      var zoomable = img.complete && shrunk(img);
      img.classList.toggle("ntm-zoomable", zoomable);
      if (zoomable && !img.hasAttribute("tabindex")) {
        img.tabIndex = 0;
        img.title = "Click to see this figure at full size";
      }
    });
  }

  document.addEventListener("click", function (event) {
    var img = event.target.closest && event.target.closest("img.ntm-zoomable");
    if (img) open(img);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("img.ntm-zoomable")) {
      open(event.target);
    }
  });
  window.addEventListener("load", mark);
  window.addEventListener("resize", mark);
})();
