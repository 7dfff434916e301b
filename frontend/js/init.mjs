// Starts GOV.UK and MOJ Frontend components. Loaded as a module: no inline script anywhere.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import "./print.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
