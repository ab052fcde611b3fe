// Starts Swagger UI on /api/v1/docs. A file of its own, not an inline <script>: the page's
// Content-Security-Policy allows scripts from this origin only. The settings come from the page's
// JSON data block (a data block is never executed, so the policy lets it be).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  config.dom_id = "#swagger-ui";
  window.ui = SwaggerUIBundle(config);

  // Swagger UI draws a parameter's list of allowed values as a <select> with no label, which a screen
  // reader announces as nothing: name it after its parameter whenever one appears.
  function labelSelects(root) {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      var row = select.closest("tr[data-param-name]");
      select.setAttribute("aria-label", row.getAttribute("data-param-name") + " (" +
        (row.getAttribute("data-param-in") || "parameter") + ")");
    });
  }
  new MutationObserver(function () { labelSelects(document); })
    .observe(document.getElementById("swagger-ui"), {childList: true, subtree: true});
})();
