/* The public queue screen: say when the connection is lost (htmx keeps the last state and keeps
   polling), skip swaps that change nothing, and leave the page when its address has been changed. */
(function () {
  "use strict";

  function banner(shown) {
    var element = document.getElementById("board-offline");
    if (element) { element.hidden = !shown; }
  }

  function fromBoard(event) {
    return event.detail && event.detail.elt && event.detail.elt.id === "board-state";
  }

  var last = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!fromBoard(event) || !event.detail.xhr) { return; }
    if (event.detail.xhr.status === 404) {
      // The secret was changed (or the board removed): show the plain « page not found ».
      window.location.reload();
      return;
    }
    if (event.detail.xhr.status === 200 && event.detail.serverResponse === last) {
      event.detail.shouldSwap = false;
    }
    if (event.detail.xhr.status === 200) { last = event.detail.serverResponse; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!fromBoard(event)) { return; }
    banner(!event.detail.successful);
  });

  ["htmx:sendError", "htmx:timeout", "htmx:responseError"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (fromBoard(event)) { banner(true); }
    });
  });
}());
