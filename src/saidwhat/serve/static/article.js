// Statement highlighting on the article and paste pages (no inline script: the CSP forbids it).
//
// Pointing at or focusing a statement in the list (li.statement[data-statement=N]) marks
// its parts in the text (mark[data-statement~=N]) with .is-active; its button pins the
// selection (aria-pressed) and scrolls the text to it. Clicking a highlight in the text
// selects its statement in the list. Listeners are delegated, so statements rendered
// later (the paste page) work too.
(function () {
  "use strict";

  var reduceMotion =
    window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function layoutOf(el) {
    return el.closest(".article-layout") || document;
  }

  function marksFor(root, key) {
    return Array.prototype.filter.call(root.querySelectorAll("mark[data-statement]"), function (m) {
      return m.getAttribute("data-statement").split(" ").indexOf(key) !== -1;
    });
  }

  function clear(root, cls) {
    root.querySelectorAll("." + cls).forEach(function (el) {
      el.classList.remove(cls);
    });
  }

  function show(item) {
    var root = layoutOf(item);
    var key = item.getAttribute("data-statement");
    clear(root, "is-active");
    var text = root.querySelector(".article-text");
    if (text) text.classList.add("has-active");
    item.classList.add("is-active");
    marksFor(root, key).forEach(function (m) {
      m.classList.add("is-active");
    });
  }

  function hide(item) {
    var root = layoutOf(item);
    clear(root, "is-active");
    var pinned = root.querySelector("li.statement.is-pinned");
    if (pinned) {
      show(pinned);
    } else {
      var text = root.querySelector(".article-text");
      if (text) text.classList.remove("has-active");
    }
  }

  function scrollTo(el) {
    if (el) el.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
  }

  function pin(item, on) {
    var root = layoutOf(item);
    root.querySelectorAll("li.statement.is-pinned").forEach(function (other) {
      other.classList.remove("is-pinned");
      var b = other.querySelector(".statement-select");
      if (b) b.setAttribute("aria-pressed", "false");
    });
    var button = item.querySelector(".statement-select");
    if (on) {
      item.classList.add("is-pinned");
      if (button) button.setAttribute("aria-pressed", "true");
      show(item);
    } else {
      hide(item);
    }
  }

  function itemOf(target) {
    return target && target.closest ? target.closest("li.statement[data-statement]") : null;
  }

  document.addEventListener("mouseover", function (e) {
    var item = itemOf(e.target);
    if (item && !item.contains(e.relatedTarget)) show(item);
  });
  document.addEventListener("mouseout", function (e) {
    var item = itemOf(e.target);
    if (item && !item.contains(e.relatedTarget)) hide(item);
  });
  document.addEventListener("focusin", function (e) {
    var item = itemOf(e.target);
    if (item) show(item);
  });
  document.addEventListener("focusout", function (e) {
    var item = itemOf(e.target);
    if (item && !item.contains(e.relatedTarget)) hide(item);
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".statement-select");
    if (button) {
      var item = itemOf(button);
      var on = button.getAttribute("aria-pressed") !== "true";
      pin(item, on);
      if (on) scrollTo(marksFor(layoutOf(item), item.getAttribute("data-statement"))[0]);
      return;
    }
    var mark = e.target.closest && e.target.closest(".article-text mark[data-statement]");
    if (mark) {
      var key = mark.getAttribute("data-statement").split(" ")[0];
      var root = layoutOf(mark);
      var target = root.querySelector('li.statement[data-statement="' + key + '"]');
      if (target) {
        pin(target, true);
        scrollTo(target);
        var b = target.querySelector(".statement-select");
        if (b) b.focus({ preventScroll: true });
      }
    }
  });

  // /articles/x#statement-N (links from search results and quote pages): select it.
  function fromHash() {
    var m = /^#statement-(\d+)$/.exec(window.location.hash);
    if (!m) return;
    var item = document.querySelector('li.statement[data-statement="' + m[1] + '"]');
    if (item && item.closest(".article-layout")) {
      pin(item, true);
      scrollTo(marksFor(layoutOf(item), m[1])[0]);
    }
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
