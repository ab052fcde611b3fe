// Starts Swagger UI on /api/v1/docs. A file of its own, not an inline <script>: the page's
// Content-Security-Policy allows scripts from this origin only. The settings come from the page's
// JSON data block (a data block is never executed, so the policy lets it be).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  config.dom_id = "#swagger-ui";
  window.ui = SwaggerUIBundle(config);
})();
