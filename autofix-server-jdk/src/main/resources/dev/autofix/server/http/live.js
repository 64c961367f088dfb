// autofix: live updates of a page without reloading it. While the page's #live element says
// data-live, the page is fetched again every few seconds (same origin, with the read cookie) and
// #live's content is swapped for the new one's. The server renders that HTML with every value
// escaped; this script adds nothing of its own. It stops once the run has ended, and whenever a
// fetch fails it waits longer before the next one.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = Number(live.getAttribute("data-every") || "3000");
  var wait = every;

  function atBottom(element) {
    return element && element.scrollHeight - element.scrollTop - element.clientHeight < 40;
  }

  function update() {
    var focused = document.activeElement;
    var typing =
      focused && live.contains(focused) && /^(INPUT|SELECT|TEXTAREA)$/.test(focused.tagName);
    // not while the page is hidden, nor while someone types into a field the swap would replace
    if (live.getAttribute("data-live") !== "true" || document.hidden || typing) {
      schedule();
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        if (!fresh) {
          throw new Error("no #live in the page");
        }
        var follow = atBottom(document.scrollingElement);
        live.innerHTML = fresh.innerHTML;
        live.setAttribute("data-live", fresh.getAttribute("data-live") || "false");
        live.setAttribute("data-updated", String(Date.now()));
        if (follow) {
          window.scrollTo(0, document.scrollingElement.scrollHeight);
        }
        wait = every;
        schedule();
      })
      .catch(function () {
        wait = Math.min(wait * 2, 60000);
        schedule();
      });
  }

  function schedule() {
    if (live.getAttribute("data-live") === "true") {
      window.setTimeout(update, wait);
    }
  }

  schedule();
})();
