// Starts Swagger UI on /api/docs/ from our own static files (no inline script: the CSP forbids it).
// Calls made with "Try it out" from a signed-in browser send the session cookie and the CSRF token;
// an integration's token can be given under "Authorize".
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.getAttribute("data-csrf-token");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    requestInterceptor: function (request) {
      if (request.method && request.method.toUpperCase() !== "GET" && csrfToken) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
