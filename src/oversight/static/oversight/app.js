// Loaded as a module at the end of <body>: starts every GOV.UK Frontend component on the page
// (data-module="govuk-..."). Browsers too old for modules skip it and get the plain HTML.
//
// GOV.UK Frontend's URL comes from the <link rel="modulepreload" data-govuk-frontend> in
// base.html, written by {% static %}, so in production it is the same hashed, cache-forever
// URL the browser has already preloaded (a fixed import path here would miss the hash).
const link = document.querySelector("link[data-govuk-frontend]");

import(link.href).then(({ initAll }) => initAll());
