"""``annotator models list|use|remove``: the project's trained models and which one suggests."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from annotator.cli.common import EXIT_OK, Handler, SubParsers, db_command, open_repository


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add ``models`` to the command line."""
    p = db_command(sub, "models", help="list the project's trained models, choose the active one, remove one")
    actions = p.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    q = db_command(actions, "list", help="every trained model with its scores; * marks the active one")
    q.add_argument("--json", action="store_true", help="print JSON")
    q = db_command(actions, "use", help="make a model the active one (`base` for the base pipeline)")
    q.add_argument("name", metavar="NAME|base")
    q.add_argument("--annotator", help="who switches (for the audit log)")
    q = db_command(actions, "remove", help="forget a model and delete its folder")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--keep-files", action="store_true", help="forget the model but keep its folder")
    q.add_argument("--annotator", help="who removes (for the audit log)")
    return {"models": _cmd_models}


def _score(scores: dict, *keys: str) -> str:
    value = scores.get("new") or {}
    for key in keys:
        value = value.get(key, {}) if isinstance(value, dict) else {}
    return f"{value:.3f}" if isinstance(value, int | float) else "—"


def _cmd_models(args: argparse.Namespace) -> int:
    with open_repository(args) as repo:
        if args.models_action == "list":
            models = repo.models()
            if args.json:
                print(json.dumps([m.__dict__ | {"layers": list(m.layers), "what": list(m.what)} for m in models],
                                 indent=2, ensure_ascii=False))
                return EXIT_OK
            if not models:
                print("no trained models yet (suggestions use the base pipeline); train one with `annotator train`")
                return EXIT_OK
            print(f"  {'name':<24} {'created':<20} {'from':<14} {'claims F1':>9} {'source':>7} {'cue':>7} "
                  f"{'content':>7} {'entities':>8}  path")
            for m in models:
                s = m.scores
                print(f"{'*' if m.active else ' '} {m.name:<24} {m.created[:19]:<20} {','.join(m.layers):<14} "
                      f"{_score(s, 'claims', 'overlap', 'f1'):>9} {_score(s, 'claims', 'exact', 'source', 'f1'):>7} "
                      f"{_score(s, 'claims', 'exact', 'cue', 'f1'):>7} "
                      f"{_score(s, 'claims', 'exact', 'content', 'f1'):>7} {_score(s, 'entities', 'f1'):>8}  {m.path}")
            if not any(m.active for m in models):
                print("no model is active: suggestions use the base pipeline")
            return EXIT_OK
        if args.models_action == "use":
            name = None if args.name == "base" else args.name
            repo.use_model(name, args.annotator)
            print(f"suggestions now use {name or 'the base pipeline'}; `annotator suggest --force` re-suggests "
                  "the undecided items with it")
            return EXIT_OK
        removed = repo.remove_model(args.name, args.annotator)
        folder = Path(removed.path)
        if not args.keep_files and folder.is_dir() and (folder / "meta.json").is_file():
            shutil.rmtree(folder)
            print(f"removed model {removed.name} and its folder {folder}")
        else:
            print(f"removed model {removed.name} (its folder {folder} is kept)")
        if removed.active:
            print("it was the active model: suggestions use the base pipeline again")
        return EXIT_OK
