// Start GOV.UK Frontend's components. Loaded as a module from base.html; pages
// work without it, and browsers that cannot run modules never add the class.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
