"""Building an int8 BlazePose landmark model from the float one in the mediapipe wheel.

The bundled ``pose_landmark_full.tflite`` cannot go straight into ``ai-edge-quantizer``: it has no
signature (the quantizer feeds calibration data by signature) and stores its weights as float16
constants each behind a DEQUANTIZE operator (192 of them), so to the quantizer every convolution
reads an activation, not a weight. :func:`prepared_float_model` folds those into float32 constants
and adds a signature; the result computes the same numbers as the float16 model does in LiteRT
(which dequantizes once, at load).

Static int8 needs calibration: the range of every activation. Centre crops of whole frames give
ranges unlike the crops the tracker feeds the model (a person filling the square, upright), and
moved landmarks by a median 22 px of 256 in a first try; :func:`collect_crops` records the model's
input exactly as :class:`~formcheck.pose.litert.LiteRTEstimator` makes it, over real videos.

``ai-edge-quantizer`` is an optional extra (``pip install 'formcheck[models]'``): only building needs it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema
from ai_edge_litert.interpreter import Interpreter

from formcheck.atomic import atomic_open
from formcheck.errors import ModelError
from formcheck.pose.litert.estimator import LiteRTEstimator
from formcheck.pose.litert.int8 import INT8_RECIPE, SIGNATURE_KEY, mediapipe_version, recipe_hash, report_path
from formcheck.pose.litert.landmarks import LANDMARK_INPUT_PX, NUM_BODY
from formcheck.pose.models import landmark_model_path, native_stderr_silenced
from formcheck.sources.media import VideoFileSource

_TFLITE_IDENTIFIER = b"TFL3"
INSTALL_HINT = "pip install 'formcheck[models]'"


def _opcode(model, op) -> int:
    code = model.operatorCodes[op.opcodeIndex]
    # Codes past 127 live only in builtinCode; older ones in the deprecated byte (the larger of the two is right).
    return max(code.builtinCode, code.deprecatedBuiltinCode)


def _drop_unused_tensors(model, subgraph) -> None:
    """Remove the tensors no operator or graph edge names (the float16 weights once folded), and empty
    their buffers: the interpreter would list them as tensors without data, which the calibrator reads."""
    used = sorted({int(t) for op in subgraph.operators for t in [*op.inputs, *op.outputs] if t >= 0}
                  | {int(t) for t in subgraph.inputs} | {int(t) for t in subgraph.outputs})
    new_index = {old: new for new, old in enumerate(used)}
    for old, tensor in enumerate(subgraph.tensors):
        if old not in new_index and tensor.buffer:
            model.buffers[tensor.buffer].data = None
    subgraph.tensors = [subgraph.tensors[old] for old in used]
    for op in subgraph.operators:
        op.inputs = [new_index[int(t)] if t >= 0 else -1 for t in op.inputs]
        op.outputs = [new_index[int(t)] for t in op.outputs]
    subgraph.inputs = [new_index[int(t)] for t in subgraph.inputs]
    subgraph.outputs = [new_index[int(t)] for t in subgraph.outputs]


def prepared_float_model(content: bytes) -> bytes:
    """``content`` (a TFLite model) with float16 weights folded into float32 constants and a
    ``serving_default`` signature over its inputs and outputs: what the quantizer can read."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(content), 0)
    for subgraph in model.subgraphs:
        kept = []
        for op in subgraph.operators:
            source = subgraph.tensors[op.inputs[0]] if op.inputs is not None and len(op.inputs) else None
            data = model.buffers[source.buffer].data if source is not None else None
            if (_opcode(model, op) == schema.BuiltinOperator.DEQUANTIZE and source.type == schema.TensorType.FLOAT16
                    and data is not None and len(data)):
                values = np.frombuffer(np.asarray(data, np.uint8).tobytes(), "<f2").astype("<f4")
                buffer = schema.BufferT()
                buffer.data = np.frombuffer(values.tobytes(), np.uint8)
                subgraph.tensors[op.outputs[0]].buffer = len(model.buffers)
                model.buffers.append(buffer)
                continue
            kept.append(op)
        subgraph.operators = kept
        _drop_unused_tensors(model, subgraph)
    main = model.subgraphs[0]

    def tensor_maps(indices) -> list:
        maps = []
        for index in indices:
            entry = schema.TensorMapT()
            entry.name, entry.tensorIndex = main.tensors[index].name, int(index)
            maps.append(entry)
        return maps

    signature = schema.SignatureDefT()
    signature.inputs, signature.outputs = tensor_maps(main.inputs), tensor_maps(main.outputs)
    signature.signatureKey, signature.subgraphIndex = SIGNATURE_KEY, 0
    model.signatureDefs = [signature]
    builder = flatbuffers.Builder(len(content) * 2)
    builder.Finish(model.Pack(builder), file_identifier=_TFLITE_IDENTIFIER)
    return bytes(builder.Output())


def _float_io(content: bytes) -> bytes:
    """``content`` with float32 inputs and outputs: a QUANTIZE operator in front of each integer input
    and a DEQUANTIZE after each integer output (the quantizer makes the graph's edges int8 too), so the
    estimator feeds and reads the int8 model exactly as it does the float one."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(content), 0)
    for buffer in model.buffers:
        if buffer.offset > 1:  # stored after the flatbuffer, which repacking does not carry: bring it inside
            buffer.data = np.frombuffer(content, np.uint8, buffer.size, buffer.offset)
            buffer.offset = buffer.size = 0

    def opcode_index(builtin: int) -> int:
        for k, code in enumerate(model.operatorCodes):
            if max(code.builtinCode, code.deprecatedBuiltinCode) == builtin:
                return k
        code = schema.OperatorCodeT()
        code.builtinCode, code.deprecatedBuiltinCode, code.version = builtin, min(builtin, 127), 1
        model.operatorCodes.append(code)
        return len(model.operatorCodes) - 1

    def float_twin(subgraph, index: int, suffix: str) -> int:
        tensor = subgraph.tensors[index]
        twin = schema.TensorT()
        twin.shape, twin.type, twin.buffer = tensor.shape, schema.TensorType.FLOAT32, 0
        twin.name = (tensor.name.decode() if isinstance(tensor.name, bytes) else tensor.name) + suffix
        subgraph.tensors.append(twin)
        return len(subgraph.tensors) - 1

    def op(builtin: int, source: int, target: int):
        operator = schema.OperatorT()
        operator.opcodeIndex, operator.inputs, operator.outputs = opcode_index(builtin), [source], [target]
        return operator

    integer = (schema.TensorType.INT8, schema.TensorType.UINT8, schema.TensorType.INT16)
    renamed: dict[int, int] = {}
    for number, subgraph in enumerate(model.subgraphs):
        first, last = [], []
        inputs, outputs = list(subgraph.inputs), list(subgraph.outputs)
        for k, index in enumerate(inputs):
            if subgraph.tensors[index].type in integer:
                inputs[k] = float_twin(subgraph, index, "_float")
                first.append(op(schema.BuiltinOperator.QUANTIZE, inputs[k], index))
                if number == 0:
                    renamed[index] = inputs[k]
        for k, index in enumerate(outputs):
            if subgraph.tensors[index].type in integer:
                outputs[k] = float_twin(subgraph, index, "_float")
                last.append(op(schema.BuiltinOperator.DEQUANTIZE, index, outputs[k]))
                if number == 0:
                    renamed[index] = outputs[k]
        subgraph.inputs, subgraph.outputs = inputs, outputs
        subgraph.operators = [*first, *subgraph.operators, *last]
    for signature in model.signatureDefs or []:
        for entry in [*signature.inputs, *signature.outputs]:
            entry.tensorIndex = renamed.get(entry.tensorIndex, entry.tensorIndex)
    builder = flatbuffers.Builder(len(content) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=_TFLITE_IDENTIFIER)
    return bytes(builder.Output())


def input_name(prepared: bytes) -> str:
    """The signature's input name of a model from :func:`prepared_float_model`."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(prepared), 0)
    name = model.signatureDefs[0].inputs[0].name
    return name.decode() if isinstance(name, bytes) else name


class _CropRecorder:
    """Stands in for the estimator's landmark interpreter and keeps a copy of each input it is given,
    as uint8 (the estimator's input is ``crop / 255`` in float32, so ``round(x * 255)`` is the crop)."""

    def __init__(self, interpreter, keep: Callable[[], bool]) -> None:
        self._interpreter = interpreter
        self._keep = keep
        self.crops: list[np.ndarray] = []

    def set_tensor(self, index: int, value: np.ndarray) -> None:
        if self._keep():
            self.crops.append(np.rint(value[0] * 255.0).astype(np.uint8))
        self._interpreter.set_tensor(index, value)

    def __getattr__(self, name: str):
        return getattr(self._interpreter, name)


def collect_crops(videos: Sequence[Path], per_video: int, sample_fps: float = 5.0,
                  progress: Callable[[Path, int], None] | None = None) -> list[np.ndarray]:
    """Up to ``per_video`` 256x256x3 uint8 landmark-model inputs from each video, spread over its length.

    The float model runs over each video at ``sample_fps`` with its own tracking, so the crops are
    the ones it really makes (detector ROIs on the first frame and after a loss, tracked ROIs after).
    """
    crops: list[np.ndarray] = []
    for video in videos:
        source = VideoFileSource(video, sample_fps=sample_fps, threaded_decode=False)
        expected = max(1, int((source.info.duration_s or 10.0) * sample_fps))
        stride = max(1, expected // per_video)
        estimator = LiteRTEstimator(threads=1)
        counter = {"n": 0}

        def keep(counter=counter, stride=stride) -> bool:
            counter["n"] += 1
            return (counter["n"] - 1) % stride == 0

        # The estimator's landmark interpreter is swapped for a recorder: the crops come from the
        # estimator's own code path, untouched, rather than from a copy of it here.
        recorder = _CropRecorder(estimator._landmarker, keep)
        estimator._landmarker = recorder
        try:
            for frame in source:
                estimator.estimate(frame)
                if len(recorder.crops) >= per_video:
                    break
        finally:
            estimator.close()
        crops.extend(recorder.crops[:per_video])
        if progress is not None:
            progress(video, len(recorder.crops[:per_video]))
    return crops


def _quantizer_module():
    """``ai_edge_quantizer``, or a :class:`ModelError` that says how to install it."""
    try:
        # Imported on use: an optional extra that only building a model needs (and ~1 s to import).
        import ai_edge_quantizer
    except ImportError:
        raise ModelError(f"building int8 models needs ai-edge-quantizer, which is not installed; "
                         f"run: {INSTALL_HINT}") from None
    return ai_edge_quantizer


def quantize(prepared: bytes, recipe: list[dict], calibration: Iterable[np.ndarray]) -> bytes:
    """The int8 model of ``prepared`` (see :func:`prepared_float_model`) by ``recipe``, its activation
    ranges calibrated on ``calibration`` (uint8 crops)."""
    aeq = _quantizer_module()
    quantizer = aeq.Quantizer(bytearray(prepared), json.loads(json.dumps(recipe)))
    name = input_name(prepared)
    samples = [{name: (crop[None].astype(np.float32) / np.float32(255.0))} for crop in calibration]
    if not samples:
        raise ModelError("no calibration crops: nobody was found in the calibration videos")
    # The quantizer draws tqdm progress bars on stderr whatever it is told; the build reports its own progress.
    with contextlib.redirect_stderr(io.StringIO()):
        ranges = quantizer.calibrate({SIGNATURE_KEY: samples}, num_threads=1)
        result = quantizer.quantize(ranges, enable_progress_report=False)
    return _float_io(bytes(result.quantized_model))


@dataclass(frozen=True)
class CropAgreement:
    """How far the int8 model's outputs are from the float model's on the same crops. Landmark
    errors are in % of the float model's torso length in the crop (shoulder midpoint to hip midpoint)."""

    crops: int
    median_pct: float
    p95_pct: float
    max_pct: float
    presence_max_abs: float

    def line(self) -> str:
        return (f"{self.crops} held-out crops: landmark error median {self.median_pct:.2f} %, "
                f"95th percentile {self.p95_pct:.2f} %, max {self.max_pct:.1f} % of torso length; "
                f"pose flag differs by at most {self.presence_max_abs:.3f}")


def _run(interpreter, crop: np.ndarray) -> tuple[np.ndarray, float]:
    inp = interpreter.get_input_details()[0]["index"]
    interpreter.set_tensor(inp, crop[None].astype(np.float32) / np.float32(255.0))
    interpreter.invoke()
    by_size = {int(np.prod(d["shape"])): d["index"] for d in interpreter.get_output_details()}
    landmarks = interpreter.get_tensor(by_size[195]).reshape(39, 5)[:NUM_BODY, :2].astype(np.float64)
    return landmarks, float(interpreter.get_tensor(by_size[1]).ravel()[0])


def crop_agreement(float_interpreter, int8_interpreter, crops: Sequence[np.ndarray]) -> CropAgreement:
    """Landmark and pose-flag agreement of two landmark interpreters over ``crops``; only crops where the
    float model sees a pose (flag >= 0.5) count for the landmarks."""
    errors, flags = [], []
    for crop in crops:
        ref, ref_flag = _run(float_interpreter, crop)
        got, got_flag = _run(int8_interpreter, crop)
        flags.append(abs(ref_flag - got_flag))
        if ref_flag < 0.5:
            continue
        torso = float(np.hypot(*((ref[11] + ref[12]) / 2 - (ref[23] + ref[24]) / 2)))
        if torso < 0.05 * LANDMARK_INPUT_PX:
            continue
        errors.append(np.hypot(*(got - ref).T) / torso * 100.0)
    if not errors:
        raise ModelError("no held-out crop with a pose to compare the models on")
    all_errors = np.concatenate(errors)
    return CropAgreement(len(errors), float(np.median(all_errors)), float(np.percentile(all_errors, 95)),
                         float(all_errors.max()), float(max(flags)))


VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".mkv", ".avi", ".webm")
HELD_OUT_EVERY = 4  # every 4th crop is kept out of calibration, to measure the agreement on


def calibration_videos(folders: Sequence[Path]) -> list[Path]:
    """Every video under ``folders`` (recursively), in name order; a missing folder is an error."""
    videos: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise ModelError(f"calibration folder {folder} does not exist (expected a folder of videos)")
        videos += sorted(p for p in folder.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())
    if not videos:
        raise ModelError(f"no calibration videos in {', '.join(map(str, folders)) or 'no folder'} "
                         f"(expected {'/'.join(VIDEO_SUFFIXES)} files); name a folder with --videos")
    return videos


@dataclass(frozen=True)
class BuildResult:
    path: Path
    report: dict
    agreement: CropAgreement


def build_int8(videos: Sequence[Path], out_path: Path, recipe: list[dict] = INT8_RECIPE, per_video: int = 12,
               sample_fps: float = 3.0, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Calibrate on crops of ``videos``, quantize the bundled full landmark model by ``recipe``, measure it
    against the float model on held-out crops, and write it (atomically) to ``out_path`` with a JSON report."""
    say = progress or (lambda _text: None)
    _quantizer_module()  # fail before minutes of calibration when the extra is missing
    say(f"collecting landmark-model inputs from {len(videos)} videos at {sample_fps:g} fps ...")
    crops = collect_crops(videos, per_video, sample_fps)
    held_out = crops[HELD_OUT_EVERY - 1::HELD_OUT_EVERY]
    calibration = [c for k, c in enumerate(crops) if k % HELD_OUT_EVERY != HELD_OUT_EVERY - 1]
    if not calibration or not held_out:
        raise ModelError(f"only {len(crops)} crops with a person in {len(videos)} calibration videos; "
                         f"need at least {HELD_OUT_EVERY} (name a folder of videos with people in them)")
    say(f"calibrating on {len(calibration)} crops, quantizing ...")
    prepared = prepared_float_model(landmark_model_path("full").read_bytes())
    model = quantize(prepared, recipe, calibration)
    float_interpreter = load_interpreter_from_bytes(prepared)
    int8_interpreter = load_interpreter_from_bytes(model)
    agreement = crop_agreement(float_interpreter, int8_interpreter, held_out)
    report = {"recipe_hash": recipe_hash(recipe), "recipe": recipe, "mediapipe": mediapipe_version(),
              "calibration_videos": [str(v) for v in videos], "calibration_crops": len(calibration),
              "sample_fps": sample_fps, "agreement": dataclasses.asdict(agreement),
              "agreement_text": agreement.line()}
    with atomic_open(out_path, "wb") as fh:
        fh.write(model)
    with atomic_open(report_path(out_path)) as fh:
        json.dump(report, fh, indent=1)
    return BuildResult(out_path, report, agreement)


def load_interpreter_from_bytes(content: bytes, threads: int = 1):
    with native_stderr_silenced():  # XNNPACK announces itself on fd 2
        interpreter = Interpreter(model_content=content, num_threads=threads)
        interpreter.allocate_tensors()
    return interpreter


__all__ = ["INT8_RECIPE", "BuildResult", "CropAgreement", "build_int8", "calibration_videos", "collect_crops",
           "crop_agreement", "prepared_float_model", "quantize"]
