// Session: the state arrives as Server-Sent Events; the image is the MJPEG stream in <img id=view>.
// Nothing here judges form: it shows and speaks what the server's coach decided.
const $ = (id) => document.getElementById(id);
let spoken = 0;
let lastCue = "";

function clock(seconds) {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function speak(text) {
  if (!("speechSynthesis" in window) || !text) return;
  const utterance = new SpeechSynthesisUtterance(text);
  window.speechSynthesis.speak(utterance);
}

function showLive(live) {
  if (!live) return;
  $("headline").textContent = live.headline || "";
  const timer = document.querySelector(".timer");
  timer.classList.toggle("paused", live.phase === "paused");
  timer.classList.toggle("holding", live.phase === "holding");
  // Paused and resting frames carry no timer: the last figure stays on screen.
  if (live.hold_s !== null) {
    $("hold").textContent = clock(live.hold_s);
    $("hold").dataset.seconds = String(live.hold_s);
  }
  $("target").textContent = live.target_s ? `/ ${clock(live.target_s)}` : "";
  // Both sides judged: each side's count, so the person sees which side is behind.
  const bySide = live.reps_by_side
    ? Object.entries(live.reps_by_side).map(([side, n]) => `${side} ${n}`).join(" · ") + " reps"
    : null;
  $("reps").textContent = live.reps === null ? "" : (bySide || `${live.reps} reps`);
  let big = "";
  if (live.paused) big = "Paused";
  else if (live.rest_s !== null) big = `Rest ${Math.ceil(live.rest_s)} s`;
  else if (live.countdown_s !== null) big = `Get into position: ${Math.ceil(live.countdown_s)}`;
  $("big").textContent = big;
  $("big").dataset.rest = live.rest_s === null ? "" : String(live.rest_s);
  $("cue").textContent = live.cue || "";
  if (live.cue) lastCue = live.cue;
  $("seen").textContent = live.in_view === null ? "" : (live.in_view ? "You are in view" : "Step into view");
  $("pause").textContent = live.paused ? "Resume" : "Pause";
}

function showRun(run) {
  if (run && run.status === "done") location.href = `/summary/${run.id}`;
}

const events = new EventSource("/api/events");
events.onmessage = (message) => {
  const parts = JSON.parse(message.data);
  showLive(parts.live);
  if (parts.say && parts.say.n > spoken) { spoken = parts.say.n; speak(parts.say.text); }
  showRun(parts.run);
};

async function act(action) {
  await fetch("/api/action", {method: "POST", headers: {"Content-Type": "application/json", "X-Formcheck": "1"},
                              body: JSON.stringify({action})});
}
$("pause").addEventListener("click", () => act("pause"));
$("next").addEventListener("click", () => act("next"));
$("quit").addEventListener("click", () => act("quit"));
$("hurts").addEventListener("click", () => { window.speechSynthesis && window.speechSynthesis.cancel(); act("hurts"); });
