// Loaded as the first thing in <body>, before anything paints: GOV.UK Frontend's CSS uses these
// classes to style components that JavaScript enhances. It is GOV.UK's template snippet, kept in a
// file rather than an inline <script> so that the Content Security Policy needs no 'unsafe-inline'.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
