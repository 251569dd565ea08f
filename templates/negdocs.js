/* negdocs site script: offline search and remembered checklists. The pages work without it. */
(function () {
  "use strict";
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }

  // Checklist tick boxes remember their state per reader, per page.
  var boxes = document.querySelectorAll("#checklist input[type=checkbox]");
  Array.prototype.forEach.call(boxes, function (box) {
    var key = "negdocs:" + location.pathname + ":" + box.name;
    if (store && store.getItem(key) === "1") { box.checked = true; }
    box.addEventListener("change", function () {
      if (store) { if (box.checked) { store.setItem(key, "1"); } else { store.removeItem(key); } }
    });
  });

  // Search: a static index loaded as a script, so it works from file:// and with no server.
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var input = form.querySelector("input");
  var list = form.querySelector("ul");
  var status = form.querySelector("[role=status]");
  form.hidden = false;
  function load(done) {
    if (window.NEGDOCS_SEARCH) { done(); return; }
    var script = document.createElement("script");
    script.src = form.getAttribute("data-index");
    script.onload = done;
    document.head.appendChild(script);
  }
  // Case and accents do not matter in any of the four languages: "resume" finds "Résumé",
  // "strasse" finds "Straße", "espana" finds "España".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\u00df/g, "ss");
  }
  function show() {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    list.innerHTML = "";
    if (!words.length) { status.textContent = ""; return; }
    var hits = [];
    (window.NEGDOCS_SEARCH || []).forEach(function (page) {
      page.s.forEach(function (section) {
        var text = fold(page.t + " " + section[1] + " " + page.k);
        if (words.every(function (w) { return text.indexOf(w) !== -1; })) {
          hits.push({href: page.u + (section[0] ? "#" + section[0] : ""), label: page.t + ": " + section[1]});
        }
      });
    });
    hits.slice(0, 20).forEach(function (hit) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = form.getAttribute("data-base") + hit.href;
      a.textContent = hit.label;
      li.appendChild(a);
      list.appendChild(li);
    });
    // "1 result" / "3 results" in the page's language (the form carries both forms).
    var one = form.getAttribute("data-result") || "# result";
    var many = form.getAttribute("data-results") || "# results";
    status.textContent = (hits.length === 1 ? one : many).replace("#", hits.length);
  }
  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("input", function () { load(show); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) { location.href = first.href; }
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { var first = list.querySelector("a"); if (first) { event.preventDefault(); first.focus(); } }
    if (event.key === "Escape") { input.value = ""; show(); }
  });
})();
