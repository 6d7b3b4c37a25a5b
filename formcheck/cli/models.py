"""``formcheck models``: what derived pose models are built, and ``formcheck models build`` to build them.

The int8 landmark model is derived on this computer from the float one in the mediapipe wheel
(nothing is downloaded) and cached in the user cache folder; ``--model litert-int8`` then uses it.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from formcheck.cli.console import print_note, stdout_console
from formcheck.cli.options import FiniteFloat
from formcheck.errors import ModelError
from formcheck.pose.litert.int8 import INT8_MODEL, build_stem, cache_dir, int8_model_path, report_path

# A source checkout has the rendered sample clips beside the package, and the real clips one level up.
_REPO = Path(__file__).resolve().parents[2]
DEFAULT_VIDEO_FOLDERS = (_REPO / "samples", _REPO.parent / "shared" / "data" / "videos")


def _describe(path: Path) -> str:
    """One line about a built model: its agreement with the float model, as measured when built."""
    try:
        report = json.loads(report_path(path).read_text())
    except (OSError, ValueError):
        return "no build report beside it"
    return f"{report.get('calibration_crops', '?')} calibration crops; {report.get('agreement_text', '')}"


def _list() -> None:
    current = int8_model_path()
    out = stdout_console()
    built = sorted(cache_dir().glob("pose_landmark_full-int8-*.tflite"))
    out.print(f"model cache: {cache_dir()}", highlight=False, markup=False)
    if not current.is_file():
        out.print(f"--model {INT8_MODEL}: not built (run `formcheck models build`)", highlight=False, markup=False)
    for path in built:
        use = f"--model {INT8_MODEL}" if path == current else "unused: another recipe or mediapipe version"
        out.print(f"{path.name} ({use}): {_describe(path)}", highlight=False, markup=False, soft_wrap=True)


@click.group("models", invoke_without_command=True)
@click.pass_context
def models_command(ctx: click.Context) -> None:
    """Pose models derived from the bundled one: list what is built (the default), or build it."""
    if ctx.invoked_subcommand is None:
        _list()


@models_command.command("list")
def list_command() -> None:
    """Say which derived models are built, where, and how close each is to the float model."""
    _list()


@models_command.command("build")
@click.option("--videos", "folders", multiple=True, type=click.Path(path_type=Path),
              help="a folder of videos of people to calibrate on (repeatable; default: the sample clips and "
                   "../shared/data/videos of a source checkout, where present)")
@click.option("--per-video", default=12, show_default=True, type=click.IntRange(1),
              help="landmark-model inputs taken from each video, spread over its length")
@click.option("--fps", "sample_fps", default=3.0, show_default=True, type=FiniteFloat(min=0, min_open=True),
              help="frames a second the float model tracks each calibration video at")
@click.option("--force", is_flag=True, help="rebuild even if this recipe's model is already built")
def build_command(folders: tuple[Path, ...], per_video: int, sample_fps: float, force: bool) -> None:
    """Build the int8 landmark model (for --model litert-int8) and report its agreement with the float one."""
    # Imported here: it loads the quantizer's schema, OpenCV and PyAV, which `formcheck models` alone never needs.
    from formcheck.pose.litert.quantize import build_int8, calibration_videos

    out_path = int8_model_path()
    if out_path.is_file() and not force:
        print_note(f"{out_path.name} is already built ({_describe(out_path)}); --force rebuilds it")
        return
    chosen = list(folders) or [f for f in DEFAULT_VIDEO_FOLDERS if f.is_dir()]
    if not chosen:
        raise ModelError("no calibration videos: name a folder of videos of people with --videos")
    videos = calibration_videos(chosen)
    result = build_int8(videos, out_path, per_video=per_video, sample_fps=sample_fps, progress=print_note)
    print_note(f"built {build_stem()} at {result.path}")
    stdout_console().print(f"agreement with the float model: {result.agreement.line()}", highlight=False, markup=False,
                           soft_wrap=True)
