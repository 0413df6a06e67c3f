/* Bản tin: enhancements only; every page works without this file. */
(function () {
  "use strict";

  /* Skip links: move keyboard focus to the target, not just the scroll position
     (GOV.UK skip link). The temporary tabindex goes away when focus leaves. */
  function focusTarget(target) {
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
      target.addEventListener("blur", function () {
        target.removeAttribute("tabindex");
      }, { once: true });
    }
    target.focus();
  }

  document.querySelectorAll(".bt-skip-link").forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById(link.hash.slice(1));
      if (target) {
        focusTarget(target);
      }
    });
  });

  /* Ribbon: on narrow screens the field list folds behind a menu button
     (GOV.UK service navigation). The button is `hidden` in the markup so that,
     without script, the whole list shows. */
  var ribbon = document.querySelector("[data-module='bt-ribbon']");
  if (!ribbon) {
    return;
  }
  var button = ribbon.querySelector(".bt-ribbon__toggle");
  var list = document.getElementById(button.getAttribute("aria-controls"));
  var narrow = window.matchMedia("(max-width: 47.99em)");

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    list.hidden = !open;
  }

  function fitToScreen() {
    ribbon.classList.toggle("bt-ribbon--menu", narrow.matches);
    button.hidden = !narrow.matches;
    if (narrow.matches) {
      setOpen(false);
    } else {
      button.setAttribute("aria-expanded", "false");
      list.hidden = false;
    }
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });

  ribbon.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });

  narrow.addEventListener("change", fitToScreen);
  fitToScreen();
}());
