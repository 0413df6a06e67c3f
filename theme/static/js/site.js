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

  /* Sharing an article: the phone's share sheet where the browser has one (Web Share API), in
     place of the plain links; a button that copies the link where the clipboard is available. */
  document.querySelectorAll("[data-module='bt-share']").forEach(function (share) {
    var url = new URL(share.dataset.url, location.href).href;
    var status = share.querySelector("[data-share-status]");
    var native = share.querySelector("[data-share-native]");
    if (navigator.share) {
      native.hidden = false;
      share.querySelector("[data-share-links]").hidden = true;
      native.addEventListener("click", function () {
        navigator.share({ title: share.dataset.title, url: url }).catch(function () {
          share.querySelector("[data-share-links]").hidden = false;  /* cancelled or refused */
        });
      });
    }
    if (navigator.clipboard && window.isSecureContext) {
      share.querySelector("[data-share-copy-item]").hidden = false;
      share.querySelector("[data-share-copy]").addEventListener("click", function () {
        navigator.clipboard.writeText(url).then(function () {
          status.textContent = share.dataset.textCopied;
        });
      });
    }
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
