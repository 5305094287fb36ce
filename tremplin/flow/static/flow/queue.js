/* The queue screen: the list refreshes itself (htmx polling), except while the mediator is using it —
   a select open or a button focused inside the list — so a refresh never takes a choice away. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var live = event.detail && event.detail.elt;
    if (!live || !live.hasAttribute || !live.hasAttribute("data-queue-live")) { return; }
    var focused = document.activeElement;
    if (focused && focused !== document.body && live.contains(focused) && focused.tagName === "SELECT") {
      event.preventDefault();
    }
  });
})();
