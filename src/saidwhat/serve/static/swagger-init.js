// Starts Swagger UI on /docs (a file, not an inline script, so the CSP stays strict).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
