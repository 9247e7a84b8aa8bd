// Progressive enhancement for the workspace: everything works without it.
// - a job page polls its status and fills the progress bar;
// - forms marked data-progress disable their button while submitting.
(function () {
  "use strict";
  var job = document.getElementById("job");
  if (job) {
    var url = job.getAttribute("data-status");
    var poll = function () {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          document.getElementById("job-bar").value = s.percent;
          document.getElementById("job-phase").textContent = s.phase;
          document.getElementById("job-count").textContent = s.done + " / " + s.total;
          if (!s.finished) { setTimeout(poll, 400); return; }
          var box = document.getElementById("job-result");
          var list = document.getElementById("job-lines");
          list.textContent = "";
          (s.result || []).forEach(function (line) {
            var li = document.createElement("li"); li.textContent = line; list.appendChild(li);
          });
          if (s.error) {
            var p = document.createElement("p"); p.className = "error"; p.id = "job-error"; p.textContent = s.error; box.insertBefore(p, list);
          }
          var done = document.getElementById("job-done");
          done.textContent = "Finished. ";
          if (s.next) {
            var a = document.createElement("a"); a.href = s.next; a.id = "job-next"; a.textContent = "Continue"; done.appendChild(a);
          }
          done.hidden = false; box.hidden = false;
        })
        .catch(function () { setTimeout(poll, 1000); });
    };
    poll();
  }
  document.querySelectorAll("form[data-progress]").forEach(function (f) {
    f.addEventListener("submit", function () {
      f.querySelectorAll("button").forEach(function (b) { b.disabled = true; b.textContent = "Working…"; });
    });
  });
})();
