// Warn a signed-in person before their session ends, and let them extend it
// (WCAG 2.2 success criterion 2.2.1, Timing Adjustable). See docs/accounts.md.
//
// The page carries a closed <dialog id="session-timeout"> (includes/session_timeout.html)
// with every text shown here and the numbers: data-warn-after (seconds after the page
// loaded), data-warn-for (seconds the warning lasts). Without JavaScript the dialog
// stays hidden and the session simply ends, as before.
//
// Tabs share the time of the last request any of them made (localStorage), so a tab
// left open does not warn, or sign out, someone who is busy in another one.

const SHARED_KEY = "goodgov-session-active";

const readShared = () => {
  try {
    const time = Number(window.localStorage.getItem(SHARED_KEY)) || 0;
    return time <= Date.now() ? time : 0; // never trust a time to come (a clock put back)
  } catch {
    return 0; // storage turned off: each tab counts for itself
  }
};

const writeShared = (time) => {
  try {
    window.localStorage.setItem(SHARED_KEY, String(time));
  } catch {
    // as above
  }
};

export function initSessionTimeout(root = document) {
  const dialog = root.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function") return;

  const data = dialog.dataset;
  const warnAfter = Number(data.warnAfter) * 1000;
  const warnFor = Number(data.warnFor) * 1000;
  const countdownTexts = JSON.parse(data.countdown); // seconds left -> "1 minute 45 seconds"
  const announcements = JSON.parse(data.announcements); // seconds left -> a sentence
  const steps = Object.keys(countdownTexts).map(Number).sort((a, b) => a - b);
  const step = (steps[1] - steps[0] || steps[0]) * 1000; // how often the countdown changes
  const countdown = dialog.querySelector("[data-session-timeout-countdown]");
  const live = dialog.querySelector("[data-session-timeout-announce]");
  const stayButton = dialog.querySelector("[data-session-timeout-stay]");
  const signOutForm = dialog.querySelector("[data-session-timeout-sign-out]");
  if (!(warnAfter >= 0) || !(warnFor > 0) || !step) return;
  if (!countdown || !live || !stayButton || !signOutForm) return;

  let active = Math.max(Date.now(), readShared()); // the last request that kept the session
  let timer = 0;
  let busy = false;
  let ended = false;
  writeShared(active);
  dialog.hidden = false; // a closed dialog is not shown; old browsers never get here

  const endsAt = () => active + warnAfter + warnFor;

  function signOut() {
    if (ended) return;
    ended = true;
    window.clearTimeout(timer);
    // Sign out for real (the session may outlive the page's count by up to a minute),
    // then on to the sign-in page, which brings the person back here.
    const here = window.location.pathname + window.location.search;
    const next = signOutForm.elements.namedItem("next");
    next.value = `${data.signInUrl}?next=${encodeURIComponent(here)}`;
    signOutForm.submit();
  }

  function show(left) {
    const shown = steps.find((s) => s * 1000 >= left) ?? steps[steps.length - 1];
    countdown.textContent = countdownTexts[shown];
    const sentence = announcements[shown];
    if (sentence && live.textContent !== sentence) live.textContent = sentence;
  }

  function check() {
    if (ended) return;
    window.clearTimeout(timer);
    active = Math.max(active, readShared());
    const now = Date.now();
    const left = endsAt() - now;
    if (left <= 0) {
      signOut();
      return;
    }
    if (left > warnFor) {
      if (dialog.open) dialog.close();
      timer = window.setTimeout(check, left - warnFor);
      return;
    }
    if (!dialog.open) {
      live.textContent = "";
      show(left);
      dialog.showModal();
      // The dialog itself, from its top: its name and description are read out, and on
      // a short screen (400% zoom) it scrolls with the arrow keys from its heading.
      dialog.focus({ preventScroll: true });
      dialog.scrollTop = 0;
    } else {
      show(left);
    }
    // Next when the countdown shows the next step (or the time is up).
    timer = window.setTimeout(check, left - Math.floor((left - 1) / step) * step);
  }

  async function stay() {
    if (busy || ended) return;
    if (Date.now() >= endsAt()) {
      signOut();
      return;
    }
    busy = true;
    let response = null;
    try {
      response = await fetch(data.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        // The token of the dialog's own sign-out form (CSRF_COOKIE_HTTPONLY: no cookie).
        headers: { "X-CSRFToken": signOutForm.elements.namedItem("csrfmiddlewaretoken").value },
        redirect: "manual",
      });
    } catch {
      // Offline for a moment: the dialog stays, and the person can try again.
    }
    busy = false;
    if (response === null) return;
    if (response.status !== 204) {
      // The session has ended already (the page then leads to the sign-in page), or
      // the server wants the person elsewhere first (an officer's second factor): the
      // page again, by GET, says which.
      ended = true;
      window.clearTimeout(timer);
      window.location.assign(window.location.pathname + window.location.search);
      return;
    }
    active = Date.now();
    writeShared(active);
    live.textContent = "";
    dialog.close(); // focus goes back where it was
    check();
  }

  stayButton.addEventListener("click", stay);
  dialog.addEventListener("cancel", (event) => {
    // Escape: the person is here, so keep them signed in.
    event.preventDefault();
    stay();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === SHARED_KEY) check(); // another tab kept the session alive
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) check(); // timers may have slept with the computer
  });
  check();
}
