// Start GOV.UK Frontend's components and the session timeout warning. Loaded as a
// module from base.html; pages work without it, and browsers that cannot run modules
// never add the class.
import { initAll } from "./govuk-frontend.min.js";
import { initSessionTimeout } from "./session-timeout.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
initSessionTimeout(document);
