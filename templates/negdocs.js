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

  // Portfolio on the index: filter by context, status, owner and sign-off state, sort by any
  // column. Without JavaScript it stays a plain table with every deal.
  var portfolio = document.querySelector("table.portfolio");
  var filters = document.querySelector("form.portfolio-filters");
  if (portfolio && filters) {
    var body = portfolio.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var selects = filters.querySelectorAll("select[data-filter]");
    var count = filters.querySelector(".portfolio-count");
    filters.hidden = false;
    var apply = function () {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = Array.prototype.every.call(selects, function (select) {
          return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
        });
        row.hidden = !visible;
        if (visible) { shown += 1; }
      });
      count.textContent = "Showing " + shown + " of " + rows.length + " deals";
    };
    Array.prototype.forEach.call(selects, function (select) { select.addEventListener("change", apply); });
    filters.addEventListener("submit", function (event) { event.preventDefault(); });
    var heads = portfolio.tHead.rows[0].cells;
    var key = function (row, index, numeric) {
      var cell = row.cells[index];
      var time = cell.querySelector("time[datetime]");
      var value = cell.hasAttribute("data-value") ? cell.getAttribute("data-value")
        : (time ? time.getAttribute("datetime") : cell.textContent.trim().toLowerCase());
      return numeric ? parseFloat(value) || 0 : value;
    };
    Array.prototype.forEach.call(heads, function (head, index) {
      if (!head.hasAttribute("data-sort")) { return; }
      var numeric = head.getAttribute("data-sort") === "number";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = head.textContent;
      head.textContent = "";
      head.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = key(a, index, numeric), y = key(b, index, numeric);
          var order = x < y ? -1 : (x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        count.textContent = "Sorted by " + button.textContent + (ascending ? ", ascending" : ", descending");
      });
    });
  }

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
