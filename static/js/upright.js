// Upright's small script: progressive enhancement only; every form works without it.
(function () {
  "use strict";
  // Onboarding and settings: offer the browser's own time zone when the field is empty.
  function fillTimeZone() {
    var zoneFields = document.querySelectorAll("[data-browser-timezone]");
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    zoneFields.forEach(function (field) {
      if (zone && (!field.value || field.dataset.browserTimezone === "replace-utc" && field.value === "UTC")) {
        field.value = zone;
      }
    });
  }
  // "Did resting ease it?" only makes sense after "rested for long periods".
  function syncRestRelief() {
    var rested = document.querySelector("input[name='rested']");
    var relief = document.getElementById("rest-relief");
    if (!rested || !relief) { return; }
    var update = function () { relief.hidden = !rested.checked; };
    rested.addEventListener("change", update);
    update();
  }
  // "None of these" and the warning symptoms exclude each other.
  function syncNoneOfThese() {
    var none = document.querySelector("input[name='no_symptoms']");
    var symptoms = document.querySelectorAll("input[name='symptoms']");
    if (!none) { return; }
    none.addEventListener("change", function () {
      if (none.checked) { symptoms.forEach(function (s) { s.checked = false; }); }
    });
    symptoms.forEach(function (s) {
      s.addEventListener("change", function () { if (s.checked) { none.checked = false; } });
    });
  }
  function init() { fillTimeZone(); syncRestRelief(); syncNoneOfThese(); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", function () { syncRestRelief(); syncNoneOfThese(); });
})();
