/* Swagger UI at /api/docs/, started from a file so the site's CSP needs no inline script.
 *
 * The page's #swagger-ui element carries the schema URL, Swagger UI's settings (JSON)
 * and the CSRF header name and token. Unsafe requests a signed-in person makes with
 * "Try it out" carry the CSRF token, as Django's session authentication requires;
 * requests made with an organisation API key (Authorize) need none.
 */
"use strict";

(function startApiDocs() {
  const root = document.getElementById("swagger-ui");
  const config = root.dataset;
  const SAFE_METHODS = ["GET", "HEAD", "OPTIONS", "TRACE"];

  const csrfToken = () => {
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    return cookie ? decodeURIComponent(cookie.split("=")[1]) : config.csrfToken;
  };

  const sameOrigin = (url) => new URL(url, document.baseURI).origin === window.location.origin;

  const requestInterceptor = (request) => {
    const method = (request.method || "GET").toUpperCase();
    if (!SAFE_METHODS.includes(method) && sameOrigin(request.url)) {
      request.headers[config.csrfHeaderName] = csrfToken();
    }
    return request;
  };

  /* An operation's summary is one button that expands it; Swagger UI puts a deep link
   * inside that button (a control nested in a control). Render the path as text: the
   * address bar still follows the open operation, as deepLinking provides. */
  const plainPaths = (system) => ({
    components: {
      DeepLink: ({ text }) => system.React.createElement("span", null, text),
    },
  });

  /* Swagger UI draws some controls with no name (the dialog's icon-only close button,
   * the request body editor) and payloads in boxes that scroll but cannot take focus;
   * mend them as they appear. */
  const UNNAMED_CONTROLS = {
    ".close-modal": "Close",
    "textarea.body-param__text": "Request body",
  };
  const mend = () => {
    for (const [selector, name] of Object.entries(UNNAMED_CONTROLS)) {
      for (const control of root.querySelectorAll(`${selector}:not([aria-label])`)) {
        control.setAttribute("aria-label", name);
      }
    }
    for (const payload of root.querySelectorAll(".highlight-code > pre:not([tabindex])")) {
      payload.setAttribute("tabindex", "0");
    }
    // Each scheme in the Authorize dialog gets its own input id, so its label names it.
    root.querySelectorAll(".auth-container").forEach((scheme, index) => {
      const input = scheme.querySelector("input#api_key_value");
      const label = scheme.querySelector("label[for='api_key_value']");
      if (input && label) {
        input.id = label.htmlFor = `api_key_value_${index}`;
      }
    });
  };
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });

  window.ui = SwaggerUIBundle({
    url: config.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [plainPaths],
    layout: "BaseLayout",
    requestInterceptor,
    ...JSON.parse(config.settings),
  });
})();
