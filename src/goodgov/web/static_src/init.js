// Start GOV.UK Frontend's components and, on signed-in pages (the only ones with its
// dialog), the session timeout warning: other visitors never fetch its module. Loaded
// as a module from base.html; pages work without it, and browsers that cannot run
// modules never add the class.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
if (document.getElementById("session-timeout")) {
  import("./session-timeout.js").then(({ initSessionTimeout }) => initSessionTimeout(document));
}
