// Puts the chat into a host site's page: one element, one script tag (see docs/website-chat.md).
// The chat runs in an iframe on the assistant's own origin, so the host page cannot
// read the conversation, and the assistant's CORS can stay closed to other sites.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var spots = document.querySelectorAll("[data-ptsd-assistant-chat]");
  Array.prototype.forEach.call(spots, function (spot) {
    var frame = document.createElement("iframe");
    frame.src = origin + "/chat/";
    frame.title = "PTSD information assistant chat";
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.style.width = "100%";
    frame.style.minHeight = spot.getAttribute("data-height") || "40rem";
    frame.style.border = "1px solid #767676";
    frame.style.borderRadius = "0.5rem";
    // The element's own content (a link to the chat, say) stays until the chat loads.
    frame.addEventListener("load", function () {
      Array.prototype.slice.call(spot.childNodes).forEach(function (node) {
        if (node !== frame) { spot.removeChild(node); }
      });
    });
    spot.appendChild(frame);
  });
}());
