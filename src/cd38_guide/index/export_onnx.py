"""Export the bundled all-MiniLM-L6-v2 to ONNX (install time), so questions are embedded without torch.

Run by ``make install`` and by ``cd38-guide index`` when the file is missing::

    python -m cd38_guide.index.export_onnx [--force] [--out FILE]

The graph is the whole sentence-transformers pipeline (BERT encoder, attention-masked mean pooling, L2
normalisation), traced from the sha256-checked safetensors with torch's TorchScript exporter (opset 17), so
onnxruntime returns the final vectors. onnxruntime's BERT optimiser then fuses each layer's attention, GELU and
layer norms into single kernels (same arithmetic, fewer operator dispatches: a question's encoder pass is
shorter); the fusion is recorded in the sidecar and the vectors stay within 1e-6 of the unfused graph.
Beside ``FILE`` a sidecar ``FILE.json`` records the file's sha256, the
weights' sha256 it came from and the exporter versions; ``OnnxEmbedder`` refuses a file that disagrees with it.
The export imports torch and transformers: this module is never imported on a query path.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cd38_guide.config import ModelSettings
from cd38_guide.errors import Cd38GuideError, ModelError
from cd38_guide.index.embedder import bundled_model_dir, file_sha256
from cd38_guide.index.onnx_embedder import EXPORT_COMMAND, MAX_SEQ_LENGTH, OPSET, OnnxSidecar, onnx_path, sidecar_path

log = logging.getLogger(__name__)


def _pipeline(model_dir: Path):
    """The encoder + mean pooling + normalisation as one torch module (what sentence-transformers computes)."""
    import torch
    from transformers import AutoModel

    class SentenceEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager")

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            # sentence_transformers.models.Pooling (mean) then Normalize, operation for operation.
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = torch.clamp(mask.sum(dim=1), min=1e-9)
            return torch.nn.functional.normalize(summed / counts, p=2, dim=1)

    return SentenceEncoder().eval()


def export(settings: ModelSettings | None = None, out: Path | None = None, *, force: bool = False) -> Path:
    """Write the ONNX encoder and its sidecar unless a valid one for these weights is already there.

    Returns:
        The path of the ONNX file.
    Raises:
        ModelError: the bundled weights are missing or fail their hash check, or the export failed.
    """
    settings = settings or ModelSettings()
    target = out or onnx_path(settings)
    if not force and _valid(target, settings):
        log.info("ONNX encoder %s is up to date", target)
        return target
    model_dir = bundled_model_dir(settings)  # checks the safetensors' sha256 before anything is traced
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    t0 = time.perf_counter()
    module = _pipeline(model_dir)
    ids = torch.tensor([[101, 7592, 2088, 102, 0], [101, 2023, 2003, 1037, 102]], dtype=torch.int64)
    mask = (ids != 0).to(torch.int64)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with torch.inference_mode():
            torch.onnx.export(
                module,
                (ids, mask, torch.zeros_like(ids)),
                str(tmp),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "token_type_ids": {0: "batch", 1: "sequence"},
                    "sentence_embedding": {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,  # the TorchScript exporter: no onnxscript needed, one self-contained file
                do_constant_folding=True,
            )
        fused = _fuse(tmp, model_dir)
    except Exception as err:  # noqa: BLE001 - any exporter failure is reported the same way
        tmp.unlink(missing_ok=True)
        raise ModelError(f"exporting the ONNX encoder to {target} failed ({type(err).__name__}: {err})") from None
    sidecar = OnnxSidecar(
        onnx_sha256=file_sha256(tmp),
        weights_sha256=settings.sha256,
        model_id=settings.model_id,
        opset=OPSET,
        max_seq_length=MAX_SEQ_LENGTH,
        exporter={
            "torch": torch.__version__,
            "onnx": _version("onnx"),
            "transformers": _version("transformers"),
            "onnxruntime": _version("onnxruntime"),
        },
        fused_operators=fused,
    )
    os.replace(tmp, target)
    side = sidecar_path(target)
    side_tmp = side.with_name(f".{side.name}.{os.getpid()}.tmp")
    side_tmp.write_text(sidecar.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(side_tmp, side)
    log.info("exported %s in %.1fs (sha256 %s)", target, time.perf_counter() - t0, sidecar.onnx_sha256[:16])
    return target


def _fuse(path: Path, model_dir: Path) -> dict[str, int]:
    """Fuse attention, GELU and layer norms in place (onnxruntime's BERT optimiser); the fused operator counts.

    Every layer must fuse (one Attention per encoder layer), or the file is left as exported and nothing is
    claimed: a partial fusion would be a graph nobody has measured.
    """
    import json

    from onnxruntime.transformers import optimizer

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    model = optimizer.optimize_model(
        str(path),
        model_type="bert",
        num_heads=int(config["num_attention_heads"]),
        hidden_size=int(config["hidden_size"]),
        opt_level=0,  # only the Python fusions; onnxruntime applies its own graph optimisations at load
        use_gpu=False,
    )
    counts = {k: int(v) for k, v in model.get_fused_operator_statistics().items() if v}
    if counts.get("Attention", 0) != int(config["num_hidden_layers"]):
        log.warning("attention fusion incomplete (%s); keeping the unfused export", counts)
        return {}
    model.save_model_to_file(str(path))
    return counts


def _valid(target: Path, settings: ModelSettings) -> bool:
    """True when ``target`` exists, matches its sidecar and was exported from these weights at this opset."""
    side = sidecar_path(target)
    if not target.is_file() or not side.is_file():
        return False
    try:
        sidecar = OnnxSidecar.model_validate_json(side.read_bytes())
    except ValueError:
        return False
    return (
        sidecar.weights_sha256 == settings.sha256
        and sidecar.opset == OPSET
        and sidecar.max_seq_length == MAX_SEQ_LENGTH
        and bool(sidecar.fused_operators)  # an export from before the fusion is redone (it is slower)
        and file_sha256(target) == sidecar.onnx_sha256
    )


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cd38_guide.index.export_onnx``: print the path written (or found); exit 2 on an error."""
    parser = argparse.ArgumentParser(prog=EXPORT_COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="export again even when a valid file exists")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: the path the app reads)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        from cd38_guide.config import Settings

        print(export(Settings().model, args.out, force=args.force))
    except Cd38GuideError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
