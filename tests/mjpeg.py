"""A network camera for tests: a video file served as a live MJPEG stream over HTTP.

Phone camera apps and IP cameras serve ``multipart/x-mixed-replace`` JPEG streams like this one;
``--camera http://...`` reads them through OpenCV. Frames go out at the video's own pace, so the
reader sees a live source (it cannot read ahead), and ``stop_after_s`` cuts the connection mid-stream
as a camera that disappears would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import cv2

from formcheck.sources.media import VideoFileSource


@contextmanager
def mjpeg_camera(video: Path, stop_after_s: float | None = None) -> Iterator[str]:
    """Serve ``video`` on localhost while the block runs; yields the stream's URL."""
    stopping = threading.Event()

    class Stream(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
            self.end_headers()
            start = time.monotonic()
            for frame in VideoFileSource(video, bgr=True):
                if stopping.is_set() or (stop_after_s is not None and frame.t_s >= stop_after_s):
                    return  # the connection drops, as when a camera is unplugged
                time.sleep(max(0.0, frame.t_s - (time.monotonic() - start)))
                jpeg = cv2.imencode(".jpg", frame.rgb, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
                try:
                    self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                                     % len(jpeg) + jpeg + b"\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    return  # the reader is done

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="mjpeg-camera", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/video.mjpg"
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
