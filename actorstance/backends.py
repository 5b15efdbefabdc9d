"""Inference backends for `Predictor`: plain PyTorch, ``torch.compile`` or ONNX Runtime.

Each backend turns a loaded `ActorStanceModel` into a callable with the same contract as the model
itself (keyword tensors in, a dict with ``role_logits`` / ``stance_logits`` out), so the predictor's
batching, decoding and grouping code is the same whichever backend runs the network.

* ``torch``   (default) the eager model, under ``torch.inference_mode``.
* ``compile`` ``torch.compile(model, dynamic=True)``: compiles on the first batches (slow start,
  needs a C++ compiler on CPU), then runs every batch shape without recompiling.
* ``onnx``    the encoder and heads exported with ``torch.onnx.export`` and run by ONNX Runtime
  (``pip install onnxruntime onnx``). The export takes a few seconds at load time and is not
  written into the run directory.
* ``onnx-int8`` the same graph with its matrix weights quantised to int8, per channel (ONNX Runtime
  dynamic quantisation): about 1.9x faster than ``torch`` on CPU, but predictions change (on
  the bundled corpus about one mention in twenty differs from ``torch``; the benchmark reports
  it): evaluate before use.
"""

from __future__ import annotations

import importlib.util
import logging
import tempfile
import warnings
from pathlib import Path

import torch

__all__ = ["BACKENDS", "BackendError", "check_backend", "prepare_backend", "OnnxRunner"]

BACKENDS = ("torch", "compile", "onnx", "onnx-int8")
_ONNX_OPSET = 17


class BackendError(RuntimeError):
    """A backend that does not exist, or cannot run here (a missing package); the message says which and why."""


def check_backend(backend: str) -> None:
    """Fail before anything is loaded when ``backend`` is unknown or its packages are missing."""
    if backend not in BACKENDS:
        raise BackendError(f"backend {backend!r}: unknown; choose one of {', '.join(BACKENDS)}")
    if backend.startswith("onnx"):
        missing = [name for name in ("onnxruntime", "onnx") if importlib.util.find_spec(name) is None]
        if missing:
            raise BackendError(
                f"backend {backend!r} needs {' and '.join(missing)}, which is not installed: pip install onnxruntime onnx"
            )
    if backend == "compile" and not hasattr(torch, "compile"):
        raise BackendError(f"backend 'compile' needs torch >= 2.0 (installed: {torch.__version__})")


def prepare_backend(models: dict, backend: str, device: torch.device) -> dict:
    """Task -> model becomes task -> backend runner; a model shared by two tasks stays shared."""
    check_backend(backend)
    if backend == "torch":
        return dict(models)
    runners: dict[int, object] = {}
    result = {}
    for task, model in models.items():
        if id(model) not in runners:
            if backend == "compile":
                runners[id(model)] = _compile(model)
            else:
                runners[id(model)] = OnnxRunner(model, device, quantize=backend == "onnx-int8")
        result[task] = runners[id(model)]
    return result


def _compile(model: torch.nn.Module):
    try:
        return torch.compile(model, dynamic=True)
    except Exception as error:  # noqa: BLE001 - any failure here means the backend cannot run
        raise BackendError(f"backend 'compile': torch.compile failed ({type(error).__name__}: {error})") from None


class _ExportWrapper(torch.nn.Module):
    """Positional inputs and tuple outputs, as the ONNX exporter wants them."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model
        self.outputs = [name for name, head in (("role_logits", model.role_head), ("stance_logits", model.stance_head)) if head is not None]

    def forward(self, input_ids, attention_mask, holder_index, target_index):
        result = self.model(
            input_ids=input_ids, attention_mask=attention_mask, holder_index=holder_index, target_index=target_index
        )
        return tuple(result[name] for name in self.outputs)


class OnnxRunner:
    """The model exported to ONNX and run by an ONNX Runtime session; called like the model."""

    INPUTS = ("input_ids", "attention_mask", "holder_index", "target_index")

    def __init__(
        self, model: torch.nn.Module, device: torch.device | None = None, threads: int | None = None, quantize: bool = False
    ):
        import onnxruntime

        wrapper = _ExportWrapper(model.cpu().eval())
        self.outputs = wrapper.outputs
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "model.onnx"
            self._export(wrapper, path)
            if quantize:
                path = self._quantize(path)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads or torch.get_num_threads()
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
            providers = ["CPUExecutionProvider"]
            if device is not None and torch.device(device).type == "cuda":
                if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
                    raise BackendError("backend 'onnx' on cuda needs onnxruntime-gpu (CUDAExecutionProvider is missing)")
                providers.insert(0, "CUDAExecutionProvider")
            self.session = onnxruntime.InferenceSession(str(path), options, providers=providers)
        self._inputs = {entry.name for entry in self.session.get_inputs()}

    @staticmethod
    def _export(wrapper: _ExportWrapper, path: Path) -> None:
        # Trace with padding in the mask, so the graph keeps the attention-mask path for padded batches.
        input_ids = torch.full((2, 8), 1000, dtype=torch.long)
        attention_mask = torch.ones_like(input_ids)
        attention_mask[1, 5:] = 0
        index = torch.tensor([1, 2], dtype=torch.long)
        dynamic = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                   "holder_index": {0: "batch"}, "target_index": {0: "batch"},
                   "role_logits": {0: "batch", 1: "sequence"}, "stance_logits": {0: "batch"}}  # fmt: skip
        try:
            with warnings.catch_warnings(), torch.no_grad():
                warnings.simplefilter("ignore")
                torch.onnx.export(
                    wrapper,
                    (input_ids, attention_mask, index, index),
                    str(path),
                    input_names=list(OnnxRunner.INPUTS),
                    output_names=wrapper.outputs,
                    dynamic_axes={name: axes for name, axes in dynamic.items() if name in (*OnnxRunner.INPUTS, *wrapper.outputs)},
                    opset_version=_ONNX_OPSET,
                    dynamo=False,
                )
        except Exception as error:  # noqa: BLE001 - any exporter failure means the backend cannot run
            raise BackendError(f"backend 'onnx': export failed ({type(error).__name__}: {error})") from None

    @staticmethod
    def _quantize(path: Path) -> Path:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantized = path.with_name("model-int8.onnx")
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)  # the quantiser logs advice through the root logger
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                quantize_dynamic(str(path), str(quantized), weight_type=QuantType.QInt8, per_channel=True)
        except Exception as error:  # noqa: BLE001 - any quantiser failure means the backend cannot run
            raise BackendError(f"backend 'onnx-int8': quantisation failed ({type(error).__name__}: {error})") from None
        finally:
            logging.disable(previous)
        return quantized

    def __call__(self, input_ids, attention_mask, holder_index=None, target_index=None, **_) -> dict[str, torch.Tensor]:
        rows = input_ids.shape[0]
        zeros = torch.zeros(rows, dtype=torch.long)
        feed = {
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "holder_index": holder_index if holder_index is not None else zeros,
            "target_index": target_index if target_index is not None else zeros,
        }
        arrays = {name: tensor.detach().cpu().numpy() for name, tensor in feed.items() if name in self._inputs}
        values = self.session.run(self.outputs, arrays)
        return {name: torch.from_numpy(value) for name, value in zip(self.outputs, values)}
