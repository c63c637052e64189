/* Kalibar's one script of its own (no inline scripts: the CSP forbids them).
 * After a refused form: the address bar goes back to the page's own URL (so reload or
 * a shared link opens the page, not the POST address) and the error summary at the top
 * takes the focus (read out by screen readers, in view for everyone). */
(function () {
  "use strict";
  function settle() {
    var url = document.body.getAttribute("data-page-url");
    if (url && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", url);
    }
    var summary = document.getElementById("error-summary");
    if (!summary && url) {
      /* a refused form whose page has no summary yet: its first message takes the focus */
      summary = document.querySelector("main [role=alert], main .alert, main .error");
      if (summary && !summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    }
    if (summary) {
      summary.scrollIntoView({ block: "start" });
      summary.focus({ preventScroll: true });
    }
  }
  /* A link in the error summary moves the focus into the field, not just the view. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    var control = target.matches("input, select, textarea, button") ? target
      : target.querySelector("input:not([type=hidden]), select, textarea, button");
    (control || target).focus({ preventScroll: true });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", settle);
  } else {
    settle();
  }
}());
