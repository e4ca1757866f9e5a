// Passerelle's pages work without this script; with it, the occupation and commune fields
// suggest values as the user types (a <datalist> filled from /suggestions/...), and a print
// button prints.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), {
          credentials: "same-origin",
          headers: { accept: "application/json" }
        })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (values) {
            list.replaceChildren.apply(list, values.map(function (value) {
              var option = document.createElement("option");
              option.value = value;
              return option;
            }));
          })
          .catch(function () { /* suggestions are a convenience: typing still works */ });
      }, 200);
    });
  }
  document.querySelectorAll("input[data-suggest]").forEach(attach);
  // A button that prints the page (the attendance sheet; the browser saves it as PDF too).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
