// The paste page: sends the text (or HTML) to POST /api/extract and shows the statements.
//
// Everything from the text or the API is put in the page with textContent and
// createElement only, never as markup. Highlighting mirrors the article page: the text
// is cut at every span boundary and each stretch gets the classes of all the parts
// (source, cue, content) covering it, and the numbers of their statements.
(function () {
  "use strict";

  var PARTS = ["source", "cue", "content"];
  var form = document.getElementById("paste-form");
  var input = document.getElementById("paste-text");
  var submit = document.getElementById("paste-submit");
  var status = document.getElementById("paste-status");
  var errorBox = document.getElementById("paste-error");
  var result = document.getElementById("paste-result");
  var view = document.getElementById("paste-text-view");
  var list = document.getElementById("paste-statements");
  var count = document.getElementById("paste-count");

  function looksLikeHtml(value) {
    return /^\s*</.test(value) || /<(p|html)/i.test(value);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clearNode(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  // The API counts characters as Python does (code points); JavaScript strings count UTF-16
  // units, two for an emoji. units[i] is where code point i starts in the string.
  function unitOffsets(text) {
    var units = [0];
    Array.from(text).forEach(function (ch) {
      units.push(units[units.length - 1] + ch.length);
    });
    return units;
  }

  // [{start, end, part, key}] of every fragment of every statement's parts, in UTF-16 units.
  function spansOf(attributions, text) {
    var units = unitOffsets(text);
    var length = units.length - 1;
    var spans = [];
    attributions.forEach(function (a, i) {
      PARTS.forEach(function (part) {
        var span = a[part];
        if (!span || !Array.isArray(span.spans)) return;
        span.spans.forEach(function (pair) {
          var s = Math.max(0, Math.min(Number(pair[0]) || 0, length));
          var e = Math.max(0, Math.min(Number(pair[1]) || 0, length));
          if (s < e) spans.push({ start: units[s], end: units[e], part: part, key: String(i + 1) });
        });
      });
    });
    return spans;
  }

  // [start, end) of each paragraph: text between line breaks (and the blank space around them).
  function paragraphsOf(text) {
    var out = [];
    var re = /[ \t\r\f\v]*\n\s*/g;
    var pos = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > pos) out.push([pos, m.index]);
      pos = m.index + m[0].length;
    }
    if (text.length > pos) out.push([pos, text.length]);
    return out;
  }

  function renderText(text, spans) {
    clearNode(view);
    paragraphsOf(text).forEach(function (para) {
      var p = el("p");
      var cuts = [para[0], para[1]];
      spans.forEach(function (s) {
        if (s.start > para[0] && s.start < para[1]) cuts.push(s.start);
        if (s.end > para[0] && s.end < para[1]) cuts.push(s.end);
      });
      cuts = cuts
        .sort(function (a, b) {
          return a - b;
        })
        .filter(function (c, i, all) {
          return i === 0 || c !== all[i - 1];
        });
      for (var i = 0; i + 1 < cuts.length; i++) {
        var a = cuts[i];
        var b = cuts[i + 1];
        var covering = spans.filter(function (s) {
          return s.start <= a && s.end >= b;
        });
        var piece = text.slice(a, b);
        if (!covering.length) {
          p.appendChild(document.createTextNode(piece));
          continue;
        }
        var classes = PARTS.filter(function (part) {
          return covering.some(function (s) {
            return s.part === part;
          });
        });
        var keys = [];
        covering.forEach(function (s) {
          if (keys.indexOf(s.key) === -1) keys.push(s.key);
        });
        var mark = el("mark", classes.join(" "), piece);
        mark.setAttribute("data-statement", keys.join(" "));
        p.appendChild(mark);
      }
      view.appendChild(p);
    });
  }

  function renderStatements(attributions) {
    clearNode(list);
    count.textContent =
      attributions.length === 1 ? "1 statement" : attributions.length + " statements";
    attributions.forEach(function (a, i) {
      var key = String(i + 1);
      var li = el("li", "statement");
      li.id = "paste-statement-" + key;
      li.setAttribute("data-statement", key);
      var button = el("button", "statement-select");
      button.type = "button";
      button.setAttribute("data-statement", key);
      button.setAttribute("aria-pressed", "false");
      button.title = "Show in the text";
      button.appendChild(el("span", "content", a.content ? a.content.text : ""));
      li.appendChild(button);
      var who = el("p", "attribution");
      var name = a.speaker ? a.speaker.name : a.source ? a.source.text : null;
      who.appendChild(el("span", name ? "speaker" : "speaker unknown", name || "unknown speaker"));
      if (a.cue && a.cue.text) {
        who.appendChild(document.createTextNode(" "));
        who.appendChild(el("span", "cue", a.cue.text));
      }
      if (a.kind) {
        who.appendChild(document.createTextNode(" "));
        who.appendChild(el("span", "kind kind-" + String(a.kind).replace(/[^a-z]/g, ""), a.kind));
      }
      li.appendChild(who);
      if (Array.isArray(a.about) && a.about.length) {
        var meta = el("p", "meta");
        meta.appendChild(
          el(
            "span",
            "about",
            "about " +
              a.about
                .map(function (e) {
                  return e.name;
                })
                .join(", ")
          )
        );
        li.appendChild(meta);
      }
      list.appendChild(li);
    });
  }

  function messageOf(data, response) {
    if (data && data.error && data.error.message) return data.error.message;
    return "The server answered " + response.status + " " + (response.statusText || "");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = input.value;
    errorBox.hidden = true;
    errorBox.textContent = "";
    if (!value.trim()) {
      showError("Paste some text or HTML first.");
      input.focus();
      return;
    }
    var html = looksLikeHtml(value);
    var body = html ? { html: value } : { text: value };
    submit.disabled = true;
    status.textContent = "Finding statements…";
    fetch("/api/extract", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (data) {
            if (!response.ok || !data) throw new Error(messageOf(data, response));
            return data;
          });
      })
      .then(function (record) {
        var text = typeof record.text === "string" ? record.text : html ? null : value;
        if (text === null) throw new Error("The API returned no text for this HTML.");
        var attributions = Array.isArray(record.attributions) ? record.attributions : [];
        renderText(text, spansOf(attributions, text));
        renderStatements(attributions);
        result.hidden = false;
        status.textContent = "Found " + count.textContent + ".";
        result.scrollIntoView({ block: "start" });
      })
      .catch(function (err) {
        result.hidden = true;
        status.textContent = "";
        showError(err && err.message ? err.message : "The request failed.");
      })
      .finally(function () {
        submit.disabled = false;
      });
  });
})();
