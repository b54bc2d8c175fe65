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
    if (!rested.dataset.bound) { rested.dataset.bound = "1"; rested.addEventListener("change", update); }
    update();
  }
  // "None of these" and the warning symptoms exclude each other.
  function syncNoneOfThese() {
    var none = document.querySelector("input[name='no_symptoms']");
    var symptoms = document.querySelectorAll("input[name='symptoms']");
    if (!none || none.dataset.bound) { return; }
    none.dataset.bound = "1";
    none.addEventListener("change", function () {
      if (none.checked) { symptoms.forEach(function (s) { s.checked = false; }); }
    });
    symptoms.forEach(function (s) {
      s.addEventListener("change", function () { if (s.checked) { none.checked = false; } });
    });
  }
  // A disclosure opened or closed stays so on this phone (a layout choice, nothing personal).
  function rememberDisclosures() {
    document.querySelectorAll("details[data-remember-open]").forEach(function (details) {
      if (details.dataset.bound) { return; }
      details.dataset.bound = "1";
      var key = "upright.open." + details.dataset.rememberOpen;
      try {
        if (!details.hasAttribute("data-keep-open")) { details.open = localStorage.getItem(key) === "open"; }
      } catch (e) { /* storage refused: the page's own default stands */ }
      details.addEventListener("toggle", function () {
        try { localStorage.setItem(key, details.open ? "open" : "closed"); } catch (e) { /* as above */ }
      });
    });
  }
  // After Save the person sees the result where they are looking: the page goes to the top,
  // where the result is, and focus moves to it so a screen reader announces it.
  function showResult(result) {
    window.scrollTo(0, 0);
    result.focus({preventScroll: true});
  }
  // The form just saved becomes that day's entry: later saves go to its own address.
  function becomeEditForm(url) {
    var form = document.querySelector("form[data-entry-form]");
    if (!form || !url) { return; }
    form.setAttribute("action", url);
    form.setAttribute("hx-post", url);
    form.dataset.entryForm = "edit";
    if (window.htmx) { window.htmx.process(form); }
  }
  function afterSwap(event) {
    var target = event.detail.target;
    if (target && target.id === "save-result") {
      var result = target.querySelector("[data-save-result]");
      if (result) {
        becomeEditForm(result.dataset.entryUrl);
        showResult(result);
      }
    }
    var errors = document.querySelector("[data-form-errors]");
    if (target && target.id === "entry-area" && errors) {
      errors.scrollIntoView({block: "start"});
      errors.focus({preventScroll: true});
    }
  }
  function bindEntryForm() { syncRestRelief(); syncNoneOfThese(); rememberDisclosures(); }
  document.addEventListener("DOMContentLoaded", function () { fillTimeZone(); bindEntryForm(); });
  document.addEventListener("htmx:afterSettle", function (event) { bindEntryForm(); afterSwap(event); });
})();
