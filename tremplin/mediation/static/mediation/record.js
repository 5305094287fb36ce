/* The quick-record screen: a visible timer, the « Annuler » button's time limit, one submit per form.
   Everything here is a convenience: the server works out the duration and refuses nothing without it. */
(function () {
  "use strict";

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function formatElapsed(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    if (hours > 0) { return hours + " h " + two(minutes); }
    return minutes + " min " + two(seconds % 60) + " s";
  }

  /* Counts from what the server measured when drawing the page, so a wrong tablet clock does not matter. */
  function startTimer(element) {
    var offset = parseInt(element.getAttribute("data-elapsed"), 10) || 0;
    var origin = performance.now();
    function tick() {
      element.textContent = formatElapsed(offset + Math.floor((performance.now() - origin) / 1000));
    }
    tick();
    window.setInterval(tick, 1000);
  }

  function expireUndo(form) {
    var seconds = parseInt(form.getAttribute("data-undo-seconds"), 10) || 0;
    window.setTimeout(function () {
      var note = form.parentNode.querySelector(".record-undo-expired");
      form.hidden = true;
      if (note) { note.hidden = false; }
    }, seconds * 1000);
  }

  /* A second tap while the first is under way sends nothing (the server is idempotent anyway). */
  function submitOnce(form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    });
  }

  /* Enter in the beneficiary search looks the person up; it must not save the interaction. */
  function searchWithoutSubmit(input) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  function init() {
    document.querySelectorAll("[data-timer]").forEach(startTimer);
    document.querySelectorAll("form[data-undo-seconds]").forEach(expireUndo);
    document.querySelectorAll("form[data-once]").forEach(submitOnce);
    document.querySelectorAll("[data-no-submit]").forEach(searchWithoutSubmit);
  }

  /* A page restored by the Back button may be submitted again. */
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) { form.removeAttribute("data-sent"); });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
