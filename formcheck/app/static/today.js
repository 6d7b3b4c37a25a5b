// Today: start the chosen routine, then go to the session page.
const start = document.getElementById("start");
if (start) {
  start.addEventListener("click", async () => {
    start.disabled = true;
    const reply = await fetch("/api/runs", {method: "POST", headers: {"Content-Type": "application/json", "X-Formcheck": "1"},
                                            body: JSON.stringify({routine: Number(start.dataset.routine)})});
    const body = await reply.json();
    if (reply.ok) { location.href = "/session"; return; }
    document.getElementById("start-error").textContent = body.error || "could not start";
    start.disabled = false;
  });
}
