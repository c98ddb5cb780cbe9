"""spaCy pipeline loading and the entity, claim and actor-link suggesters.

The public names are imported lazily so that ``import annotator.nlp`` does not import spaCy (seconds at
start-up); spaCy is first imported when a pipeline is loaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.nlp.actors import ActorLexicon, link_actors, link_claim_sources
    from annotator.nlp.entities import LabelMap, entity_suggestions
    from annotator.nlp.pipeline import LoadedPipeline, load_pipeline, parse_stream
    from annotator.nlp.suggester import Suggester

_EXPORTS = {
    "ActorLexicon": "annotator.nlp.actors",
    "link_actors": "annotator.nlp.actors",
    "link_claim_sources": "annotator.nlp.actors",
    "LabelMap": "annotator.nlp.entities",
    "entity_suggestions": "annotator.nlp.entities",
    "LoadedPipeline": "annotator.nlp.pipeline",
    "load_pipeline": "annotator.nlp.pipeline",
    "parse_stream": "annotator.nlp.pipeline",
    "Suggester": "annotator.nlp.suggester",
}

__all__ = [
    "ActorLexicon",
    "LabelMap",
    "LoadedPipeline",
    "Suggester",
    "entity_suggestions",
    "link_actors",
    "link_claim_sources",
    "load_pipeline",
    "parse_stream",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
