"""Fine-tune the accurate tagger (all-MiniLM-L6-v2 over SOURCE/CUE/CONTENT) on PolNeAR.

    python training/prepare.py ../shared/data/polnear training/corpus
    python training/train_transformer.py training/output-transformer \
        [--train training/corpus/train-all.spacy] [--epochs 4] [--layers N] [--threads N]
        [--ship]

Needs the ``accurate`` extra. Trains on the gold spans ``prepare.py`` stored in
``doc.spans["gold_parts"]`` (windows of 256 word pieces, 192 apart; AdamW, 8e-5 for
the encoder and 1e-3 for the rest, the rate rising over the first 6% of the steps and
decaying linearly to zero from the first; batches of 16 windows). Saves the weights
after each epoch; ``--ship`` copies the last ones to ``src/saidwhat/weights/transformer``.
``--layers N`` keeps only the first N of MiniLM's six encoder layers (a faster tagger; the
count is stored in the weights' ``meta.json``); ``--threads 1`` leaves a core free.
On this machine's two cores an epoch over all 840 train articles takes about 12 minutes.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import time
from pathlib import Path

import spacy
import torch
from spacy.tokens import DocBin

from saidwhat.attribute import transformer
from saidwhat.attribute.bio import LABELS

HERE = Path(__file__).resolve().parent
TRAIN_STRIDE = 192


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--train", type=Path, default=HERE / "corpus" / "train-all.spacy")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, help="keep the first N encoder layers (all: 6)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    parser.add_argument("--limit", type=int, help="train on the first N docs only (a smoke run)")
    parser.add_argument("--ship", action="store_true", help="copy the weights into the package")
    args = parser.parse_args()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    docs = list(DocBin().from_disk(args.train).get_docs(spacy.blank("en").vocab))[: args.limit]
    deps = {d: i + 2 for i, d in enumerate(sorted({t.dep_ for doc in docs for t in doc}))}
    tags = {t: i + 2 for i, t in enumerate(sorted({t.tag_ for doc in docs for t in doc}))}
    tokenizer = transformer.load_tokenizer()
    items = []
    for doc in docs:
        enc = transformer.encode(tokenizer, doc, deps, tags, gold=doc.spans["gold_parts"])
        size = transformer.WINDOW - 2
        items.extend((enc, s, e) for s, e in transformer.windows(len(enc.ids), size, TRAIN_STRIDE))
    print(f"{len(docs)} docs, {len(items)} windows", flush=True)

    model = transformer.TransformerTagger(
        len(deps) + 2, len(tags) + 2, pretrained=True, layers=args.layers
    )
    encoder = list(model.enc.parameters())
    head = [p for name, p in model.named_parameters() if not name.startswith("enc.")]
    optimizer = torch.optim.AdamW(
        [{"params": encoder, "lr": args.lr}, {"params": head, "lr": 1e-3}], weight_decay=0.01
    )
    per_epoch = math.ceil(len(items) / args.batch)
    steps = per_epoch * args.epochs
    warmup = 0.06 * steps
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, s / warmup) * max(0.0, (steps - s) / steps)
    )
    loss_of = torch.nn.CrossEntropyLoss(ignore_index=-100)
    started = time.time()
    for epoch in range(args.epochs):
        random.shuffle(items)
        items.sort(key=lambda item: (item[2] - item[1]) // 32)  # similar lengths pad less
        batches = [items[k : k + args.batch] for k in range(0, len(items), args.batch)]
        random.shuffle(batches)
        model.train()
        for n, batch in enumerate(batches, 1):
            ids, mask, dep, tag, labels = transformer.batch_tensors(tokenizer, batch)
            logits = model(ids, mask, dep, tag)
            loss = loss_of(logits.view(-1, len(LABELS)), labels.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            if n % 50 == 0:
                elapsed = time.time() - started
                print(
                    f"epoch {epoch + 1} step {n}/{per_epoch} loss {loss.item():.4f} {elapsed:.0f}s",
                    flush=True,
                )
        transformer.save_weights(model, deps, tags, args.out / f"epoch-{epoch + 1}")
        print(f"saved {args.out / f'epoch-{epoch + 1}'}", flush=True)
    if args.ship:
        shutil.copytree(args.out / f"epoch-{args.epochs}", transformer.WEIGHTS, dirs_exist_ok=True)


if __name__ == "__main__":
    main()
