"""Where the int8 landmark model lives once built, and which build ``--model litert-int8`` may use.

``formcheck models build`` (:mod:`formcheck.pose.litert.quantize`) derives the model from the float
one in the mediapipe wheel, by :data:`INT8_RECIPE`, and writes it to the user cache folder under a
name carrying the mediapipe version and the recipe's hash: a build by another recipe or from another
mediapipe is another file, never an overwrite, and is never loaded in place of this one.

Not the default: on the 59 real clips (benchmarks/model_agreement.py, every frame) its landmarks are
a median 1.5 % of torso length from the float model's (95th percentile 11 %), enough to move 14
clips' hold times by more than 0.2 s (up to 2.6 s) and one rep count by one. It is ~1.1-1.2x faster
per inference on this CPU.

This module needs neither the quantizer nor OpenCV: the estimator factory asks it for the path.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from pathlib import Path

from platformdirs import user_cache_path

from formcheck.errors import ModelError
from formcheck.pose.models import LITERT_INT8_MODEL as INT8_MODEL

SIGNATURE_KEY = "serving_default"
CACHE_ENV = "FORMCHECK_MODEL_CACHE"
"""Set to a folder to keep built models there instead of the user cache folder (tests use it)."""

# Bumped when the preparation of the float model or the meaning of a recipe field changes, so that a
# cached build made by older code is not taken for this one.
BUILD_FORMAT = 1

_INT8_ACTIVATIONS = {"num_bits": 8, "symmetric": False, "granularity": "TENSORWISE", "dtype": "INT"}
_INT8_WEIGHTS = {"num_bits": 8, "symmetric": True, "granularity": "CHANNELWISE", "dtype": "INT"}
# Operators kept in float, by the name of their (first) output tensor in the bundled model. Measured
# by quantizing one part of the graph at a time on held-out tracker crops (landmark error, median /
# 95th percentile, % of torso length): the landmark regression branch (4x4 and 2x2 blocks after the
# 8x8 features, and the heads) alone moved landmarks 8.6 / 26.8 %, the stem up to the 64x64 features
# 2.1 / 12.5 %, the rest 1.1-1.2 / 6 % each. Both are cheap in float: most of the arithmetic is in the
# 32x32 to 8x8 encoder and the decoder, which go int8.
FLOAT_LAYERS = {
    "stem": (r"zero_padding2d(_1)?/Pad|re_lu(_[1-6])?/|re_lu_(38|39|64|65)/"
             r"|batch_normalization_(2|5|8)/|add/add"),
    "landmark branch": (r"re_lu_(4\d|5\d|6[0-3])/|batch_normalization_(5[89]|6\d|7[0-8])/|max_pooling2d(_1)?/"
                        r"|convld_3d/|convworld_3d/|conv_poseflag/|activation_poseflag/"),
}
FLOAT_OUTPUTS = ("Identity", "Identity_1", "Identity_4")  # the landmark, pose-flag and world outputs
# The ai-edge-quantizer recipe: every operator int8 (weights per channel, activations per tensor), then
# (later rules win) the float layers above. Scopes are an operator's output tensor names joined by ";".
INT8_RECIPE: list[dict] = [
    {"regex": ".*", "operation": "*", "algorithm_key": "min_max_uniform_quantize",
     "op_config": {"activation_tensor_config": _INT8_ACTIVATIONS, "weight_tensor_config": _INT8_WEIGHTS,
                   "compute_precision": "INTEGER", "explicit_dequantize": False, "skip_checks": False,
                   "min_weight_elements": 0}},
    *({"regex": f"^model_1/model/({pattern})", "operation": "*", "algorithm_key": "no_quantize"}
      for pattern in FLOAT_LAYERS.values()),
    {"regex": "^(" + "|".join(FLOAT_OUTPUTS) + ");", "operation": "*", "algorithm_key": "no_quantize"},
]


def recipe_hash(recipe: list[dict]) -> str:
    """12 hex digits naming ``recipe`` (with :data:`BUILD_FORMAT`): equal recipes, equal names."""
    text = json.dumps({"format": BUILD_FORMAT, "recipe": recipe}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def mediapipe_version() -> str:
    try:
        return importlib.metadata.version("mediapipe")
    except importlib.metadata.PackageNotFoundError:
        raise ModelError("mediapipe is not installed, and its wheel holds the pose models; "
                         "install mediapipe==0.10.21") from None


def cache_dir() -> Path:
    """The folder built models go to: :data:`CACHE_ENV` if set, else ``<user cache>/formcheck/models``."""
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else user_cache_path("formcheck") / "models"


def build_stem(recipe: list[dict] | None = None) -> str:
    """``pose_landmark_full-int8-mp<version>-<recipe hash>``: the file name, without suffix, of a build."""
    return f"pose_landmark_full-int8-mp{mediapipe_version()}-{recipe_hash(INT8_RECIPE if recipe is None else recipe)}"


def int8_model_path(recipe: list[dict] | None = None) -> Path:
    """Where the int8 landmark model by ``recipe`` (default :data:`INT8_RECIPE`) is, or would be, cached."""
    return cache_dir() / f"{build_stem(recipe)}.tflite"


def report_path(model_path: Path) -> Path:
    """The JSON beside a built model: its recipe, calibration set and measured agreement."""
    return model_path.with_suffix(".json")


def built_int8_model() -> Path:
    """The cached int8 landmark model of the current recipe and mediapipe, or a one-line
    :class:`ModelError` saying how to build it."""
    path = int8_model_path()
    if path.is_file():
        return path
    others = sorted(p.name for p in cache_dir().glob("pose_landmark_full-int8-*.tflite"))
    why = (f"only builds by another recipe or mediapipe version are there ({', '.join(others)})" if others
           else "it has not been built")
    raise ModelError(f"--model {INT8_MODEL}: no int8 model at {path} ({why}); "
                     f"run `formcheck models build` first")
