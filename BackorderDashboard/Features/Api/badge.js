/*
  The live availability badge for a shop's own product pages. Paste where the badge should show:
    <span data-backorder-sku="SKU"></span>
    <script src="https://YOUR-DASHBOARD/embed/badge.js" async></script>
  Every such span gets the dashboard's badge (its words, its colour, an accessible name), read in one request per page
  and refreshed every minute. Anything that goes wrong leaves the spans empty and says so once in the console.
*/
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || !window.fetch) {
    return;
  }
  var endpoint = new URL("/embed/availability", script.src).toString();
  var maxSkus = 100;
  var refreshMs = 60000;
  var looks = /*LOOKS*/{};
  var styled = ["display", "padding", "border-radius", "border", "background-color", "color", "font", "font-size", "font-weight",
    "line-height", "white-space"];
  var warned = false;

  function spans() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-backorder-sku]"));
  }

  function skuOf(span) {
    return (span.getAttribute("data-backorder-sku") || "").trim();
  }

  function show(span, item) {
    var look = looks[item.status];
    if (!look) {
      clear(span);
      return;
    }
    span.textContent = item.badge;
    span.setAttribute("role", "status");
    span.setAttribute("aria-label", "Availability: " + item.badge);
    span.setAttribute("data-backorder-status", item.status);
    // Through the style object, not a style attribute: a shop's CSP without 'unsafe-inline' still allows this.
    var style = span.style;
    style.setProperty("display", "inline-block");
    style.setProperty("padding", "2px 10px");
    style.setProperty("border-radius", "16px");
    style.setProperty("border", "1px solid " + look.border);
    style.setProperty("background-color", look.background);
    style.setProperty("color", look.color);
    style.setProperty("font", "inherit");
    style.setProperty("font-size", "0.8125rem");
    style.setProperty("font-weight", "500");
    style.setProperty("line-height", "1.5");
    style.setProperty("white-space", "nowrap");
  }

  function clear(span) {
    span.textContent = "";
    span.removeAttribute("role");
    span.removeAttribute("aria-label");
    span.removeAttribute("data-backorder-status");
    styled.forEach(function (name) { span.style.removeProperty(name); });
  }

  function warnOnce(reason) {
    if (!warned) {
      warned = true;
      console.warn("Backorder badge: availability could not be loaded (" + reason + ").");
    }
  }

  // The first read may come from the browser's cache (30 s); the minute's refreshes ask the dashboard again (a 304
  // while nothing changed), so an open page shows a receipt within the minute.
  function refresh(again) {
    var list = spans();
    var skus = [];
    list.forEach(function (span) {
      var sku = skuOf(span);
      if (sku && skus.indexOf(sku) < 0 && skus.length < maxSkus) {
        skus.push(sku);
      }
    });
    if (skus.length === 0) {
      return;
    }
    var query = skus.map(function (sku) { return "sku=" + encodeURIComponent(sku); }).join("&");
    fetch(endpoint + "?" + query, { mode: "cors", credentials: "omit", cache: again ? "no-cache" : "default" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        var bySku = {};
        (body.items || []).forEach(function (item) { bySku[item.sku] = item; });
        list.forEach(function (span) {
          var item = bySku[skuOf(span)];
          if (item) {
            show(span, item);
          } else {
            clear(span);
          }
        });
      })
      .catch(function (error) {
        list.forEach(clear);
        warnOnce(error && error.message ? error.message : "no answer");
      });
  }

  function start() {
    refresh(false);
    setInterval(function () {
      if (document.visibilityState !== "hidden") {
        refresh(true);
      }
    }, refreshMs);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        refresh(false);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
