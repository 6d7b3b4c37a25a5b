// Score a video: upload with a progress bar, then follow the scoring, then open the report.
const $ = (id) => document.getElementById(id);
const bar = $("bar");
const status = $("status");

function fail(text) { status.textContent = text; status.className = "error"; $("go").disabled = false; }

async function follow(job) {
  const reply = await fetch(`/api/score/${job}`);
  const s = await reply.json();
  if (s.state === "failed") { fail(s.error); return; }
  if (s.state === "done") {
    if (s.report) { location.href = s.report; } else { fail(s.error || "scored, but the report is not in the history"); }
    return;
  }
  if (s.total) { bar.value = 50 + 50 * s.done / s.total; }
  status.textContent = s.total ? `Scoring: ${s.done} of ${s.total} frames` : "Scoring...";
  setTimeout(() => follow(job), 500);
}

$("score-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const file = $("file").files[0];
  if (!file) { fail("Choose a video first."); return; }
  $("go").disabled = true;
  status.className = "";
  bar.hidden = false;
  bar.value = 0;
  const query = new URLSearchParams({exercise: $("exercise").value, name: file.name});
  const request = new XMLHttpRequest();
  request.open("POST", `/api/score?${query}`);
  request.setRequestHeader("X-Formcheck", "1");
  request.upload.onprogress = (e) => { if (e.lengthComputable) { bar.value = 50 * e.loaded / e.total; status.textContent = "Uploading..."; } };
  request.onload = () => {
    let body = {};
    try { body = JSON.parse(request.responseText); } catch (e) { body = {error: request.responseText}; }
    if (request.status !== 200) { fail(body.error || `upload refused (${request.status})`); return; }
    follow(body.job);
  };
  request.onerror = () => fail("The upload failed.");
  request.send(file);
});
