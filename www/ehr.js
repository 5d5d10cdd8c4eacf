// The EHR demo's own script: encounters arrive after load (as from an API), a button uses the
// codecard JS API, another tears codecard down, and codecard's events are logged.
(function () {
  "use strict";
  var encounters = [
    ["2026-10-02 · Lab review", ["E78.5", "icd10cm"], ["83036", "cpt"], ["36415", "cpt"]],
    ["2026-08-14 · Urgent care", ["J06.9", "icd10cm"], ["R50.9", "icd10cm"], ["99284", "cpt"]],
    ["2026-06-30 · Procedure", ["0DTJ4ZZ", "icd10pcs"], ["K35.80", "icd10cm"], ["44970", "cpt"]],
    ["2026-05-11 · Supplies", ["A4253", "hcpcs"], ["A4259", "hcpcs"], ["E11.9", "icd10cm"]],
  ];
  var next = 0;
  var panel = document.getElementById("panel");
  var log = document.getElementById("event-log");

  document.getElementById("load-encounter").addEventListener("click", function () {
    var e = encounters[next++ % encounters.length];
    var article = document.createElement("article");
    article.className = "encounter";
    var title = document.createElement("h2");
    title.textContent = e[0];
    var p = document.createElement("p");
    p.append("Codes: ");
    e.slice(1).forEach(function (c, i) {
      var el = document.createElement("code-card");
      el.setAttribute("code", c[0]);
      el.setAttribute("system", c[1]);
      p.append(el, i < e.length - 2 ? ", " : ".");
    });
    article.append(title, p);
    panel.append(article);
  });

  document.getElementById("open-by-api").addEventListener("click", function (event) {
    if (window.CodeCard) window.CodeCard.open("E11.9", { anchor: event.currentTarget, system: "icd10cm" });
  });
  document.getElementById("teardown").addEventListener("click", function () {
    if (window.CodeCard) window.CodeCard.destroy();
    log.textContent = "codecard removed";
  });

  ["codecard:open", "codecard:close", "codecard:paywall", "codecard:ask"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      log.textContent = name + " " + (event.detail && event.detail.code);
    });
  });
})();
