// autotriage dashboard: small progressive enhancements. Every page works without this script;
// it only marks what a person changed before they submit. No inline script is allowed by the
// Content-Security-Policy, so everything is wired up here.
(function () {
  "use strict";

  // Approval card: a value that differs from the proposal is highlighted (the server decides
  // what is an edit; this only shows it).
  function markEdits() {
    document.querySelectorAll("#diff input[data-proposed]").forEach(function (input) {
      var update = function () {
        var row = input.closest("tr");
        if (row) {
          row.classList.toggle("edited", input.value.trim() !== input.dataset.proposed);
        }
      };
      input.addEventListener("input", update);
      update();
    });
  }

  // Matrix: a cell whose mode was changed but not saved yet is highlighted.
  function markMatrixChanges() {
    document.querySelectorAll("form.cell select[name=mode]").forEach(function (select) {
      var initial = select.value;
      select.addEventListener("change", function () {
        var form = select.closest("form");
        if (form) {
          form.classList.toggle("unsaved", select.value !== initial);
        }
      });
    });
  }

  // Reject: point at the reason field when it is empty (the server refuses it either way).
  function hintRejectReason() {
    var form = document.getElementById("decide");
    if (!form) {
      return;
    }
    var reason = form.querySelector("input[name=reason]");
    form.querySelectorAll("button[name=action][value=reject]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (reason && reason.value.trim() === "") {
          reason.classList.add("missing");
        }
      });
    });
    if (reason) {
      reason.addEventListener("input", function () {
        reason.classList.remove("missing");
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    markEdits();
    markMatrixChanges();
    hintRejectReason();
  });
})();
