// Loaded on every page with widgets, after require.js and before the ipywidgets
// embed manager (nb_ipywidgets_js in _config.yml); see tools/SITE_ASSETS.md.
(function () {
  "use strict";
  // This file's folder is the site's _static/, whatever the page's depth.
  var STATIC = document.currentScript.src.replace(/[^/]*([?#].*)?$/, "");
  var MANAGER = STATIC + "npm/html-manager/dist/";

  // Widget modules by name. A module not listed here is looked for in _static/widgets/<name>.js
  // (baseUrl), never on a CDN. The manager's own modules are mapped into its dist/ folder so
  // that the Font Awesome fonts its CSS asks for resolve next to embed-amd.js.
  var paths = { anywidget: STATIC + "npm/anywidget/dist/index" };
  ["base", "base7", "controls", "controls7", "html-manager"].forEach(function (name) {
    paths["@jupyter-widgets/" + name] = MANAGER + name;
  });
  paths["@jupyter-widgets/html-manager/dist/libembed-amd"] = MANAGER + "libembed-amd";
  window.__jupyter_widgets_assets_path__ = MANAGER;
  window.requirejs.config({ baseUrl: STATIC + "widgets/", paths: paths });

  // ipywidgets typesets labels with MathJax 2's MathJax.Hub.Queue; the book loads MathJax 3.
  // Give every MathJax 3 object a Hub whose Queue typesets with the version 3 API.
  function typesetLater(items) {
    var mj = window.MathJax;
    var elements = items.map(function (item) { return item[2]; }).filter(Boolean);
    var ready = mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    ready.then(function () { return mj.typesetPromise ? mj.typesetPromise(elements) : null; })
      .catch(function (err) { console.warn("MathJax could not typeset a widget label:", err); });
  }
  var current = window.MathJax;
  function withHub(value) {
    if (value && typeof value === "object" && value.version && !value.Hub) {
      value.Hub = { Queue: function () { typesetLater([].slice.call(arguments)); } };
    }
    return value;
  }
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
  withHub(current);
})();
