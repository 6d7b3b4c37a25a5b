"""Live coaching in front of a webcam: ``formcheck live``.

The loop reads like a sentence — capture the newest frame, estimate, clean, score, pick a cue, show,
say — and each step is a small object with one verb:

* :class:`~formcheck.sources.capture.LatestFrameCapture` — a thread that keeps only the newest frame.
* :class:`~formcheck.live.cues.CueSelector` — one cue at a time, held long enough to read.
* :class:`~formcheck.live.screen.Screen` — the OpenCV window and its keys.
* :class:`~formcheck.live.voice.Voice` — optional spoken cues, rate-limited, never an error.
* :class:`~formcheck.engine.session.Session` — judging and the outputs, the same engine and sinks as
  ``formcheck score``.

Nothing here is imported by the rest of the package, so loading the CLI stays light.
"""
