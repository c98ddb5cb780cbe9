"""The network of the attribution tagger, registered with spaCy so a saved pipeline rebuilds it from its config.

Input per document: the hashed token features (``attribution_features.token_features``) and the pipeline's
token vectors (``doc.tensor``, written by the shared ``tok2vec`` and left frozen: the tagger, parser and NER keep
predicting as before). Each feature column gets a hash embedding; the embeddings and the token vectors are
concatenated, mixed by a window CNN (each layer sees one more token either side) and a softmax gives one
distribution over ``attribution_features.TAGS`` per token.

On the CPU the layers multiply their matrices with numpy's BLAS rather than thinc's default (``blis``): for these
shapes (a batch's tokens × a few hundred inputs) it takes about a third of the CPU time, and the matrix products
are most of the network's cost at suggestion time (issue 11, point 6). The weights and results are the same.
numpy's BLAS would start a thread per core for each product and keep them spinning between the small ones,
which doubled the network's CPU time next to a parse on the other core: the network runs inside
:func:`one_blas_thread`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from spacy.ml.models.tok2vec import MaxoutWindowEncoder
from spacy.util import registry
from thinc.api import (
    HashEmbed,
    Maxout,
    Model,
    NumpyOps,
    Softmax,
    chain,
    concatenate,
    get_current_ops,
    use_ops,
    with_array,
)
from thinc.types import Floats2d

from annotator.core.errors import ConfigError

#: One document's input: ``(features uint64[n, columns], token vectors float32[n, tensor_width])``.
Inputs = list[tuple[Any, Any]]

# v2: fifteen feature columns with their own table sizes (v1 had nine; a v1 pipeline does not load, by name).
ARCHITECTURE = "annotator.AttributionTagger.v2"


RETIRED = ("annotator.AttributionTagger.v1",)

#: The settings a v1 pipeline's config.cfg holds, with v1's defaults. spaCy checks a config against its
#: architecture's signature before it calls it, so the retired architecture takes exactly these (anything else
#: would fail as "unexpected argument" before the user could be told to train again).
RETIRED_SETTINGS: dict[str, int | float] = {
    "n_tags": 7,
    "n_features": 9,
    "tensor_width": 96,
    "embed_width": 32,
    "embed_rows": 4000,
    "width": 128,
    "depth": 3,
    "window_size": 1,
    "maxout_pieces": 3,
    "dropout": 0.1,
}


@registry.architectures(RETIRED[0])
def retired_attribution_tagger(**settings: int | float) -> Model:
    """A pipeline trained before the features changed (v1's settings): say so, not spaCy's "not found"."""
    raise ConfigError(
        "this model's attribution component was trained by an earlier version of annotator and cannot be used: "
        "train the model again (`annotator train`, or Model › Train…)"
    )


# The signature spaCy validates a v1 config against: RETIRED_SETTINGS as keyword arguments with their defaults.
retired_attribution_tagger.__signature__ = inspect.Signature(
    [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value, annotation=type(value))
        for name, value in RETIRED_SETTINGS.items()
    ],
    return_annotation=Model,
)


@registry.architectures(ARCHITECTURE)
def build_attribution_tagger(
    n_tags: int,
    embed_rows: list[int],
    tensor_width: int = 96,
    embed_width: int = 24,
    width: int = 128,
    depth: int = 3,
    window_size: int = 1,
    maxout_pieces: int = 3,
    dropout: float = 0.1,
) -> Model[Inputs, list[Floats2d]]:
    """The tagger network (see the module docstring); sizes are recorded in the pipeline's config.

    Args:
        n_tags: size of the tag set.
        embed_rows: rows of each feature column's hash embedding (one entry per column).
    """
    with _numpy_blas():
        n_features = len(embed_rows)
        embeds: list[Model] = [
            HashEmbed(embed_width, rows, column=i, seed=17 + i) for i, rows in enumerate(embed_rows)
        ]
        embed: Model = with_array(concatenate(*embeds))
        joined = _join_tensor(embed, embed_width * n_features, tensor_width)
        layers: list[Model] = [
            Maxout(width, embed_width * n_features + tensor_width, nP=maxout_pieces, dropout=dropout, normalize=True),
            MaxoutWindowEncoder(width=width, window_size=window_size, maxout_pieces=maxout_pieces, depth=depth),
            Softmax(n_tags, width),
        ]
        head: Model = with_array(chain(*layers))
        model: Model[Inputs, list[Floats2d]] = chain(joined, head)
        model.attrs["tensor_width"] = tensor_width
        return model


@cache
def _blas_threads() -> Any:
    from threadpoolctl import ThreadpoolController  # after numpy is loaded: it lists the loaded BLAS libraries

    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the network's matrix products on the calling thread only (restored afterwards)."""
    with _blas_threads().limit(limits=1, user_api="blas"):
        yield


@contextmanager
def _numpy_blas() -> Iterator[None]:
    """Build layers on numpy's BLAS when the current backend is thinc's numpy one (a GPU backend is kept)."""
    current = get_current_ops()
    if isinstance(current, NumpyOps) and getattr(current, "use_blis", False):
        with use_ops("numpy", use_blis=False):
            yield
    else:
        yield


def _join_tensor(embed: Model, embed_out: int, tensor_width: int) -> Model[Inputs, list[Floats2d]]:
    """Embed the feature columns and append the (frozen) token vectors to each row."""
    return Model(
        "join_tensor",
        _join_forward,
        init=_join_init,
        layers=[embed],
        attrs={"embed_out": embed_out, "tensor_width": tensor_width},
        dims={"nO": embed_out + tensor_width},
    )


def _join_init(model: Model, X: Inputs | None = None, Y: Any = None) -> None:
    feats = [model.ops.asarray(f, dtype="uint64") for f, _ in X] if X else None
    model.layers[0].initialize(X=feats)


def _join_forward(model: Model, inputs: Inputs, is_train: bool) -> tuple[list[Floats2d], Callable]:
    embed = model.layers[0]
    width = model.attrs["tensor_width"]
    ops = model.ops
    feats = [ops.asarray(f, dtype="uint64") for f, _ in inputs]
    embedded, backprop_embed = embed(feats, is_train)
    out = []
    for emb, (_, tensor) in zip(embedded, inputs, strict=True):
        if tensor is None or getattr(tensor, "size", 0) == 0 or tensor.shape[1] != width:
            tensor = ops.alloc2f(emb.shape[0], width)
        out.append(ops.xp.hstack((emb, ops.asarray(tensor, dtype="float32"))))
    n = model.attrs["embed_out"]

    def backprop(d_out: list[Floats2d]) -> Inputs:
        backprop_embed([d[:, :n] for d in d_out])
        return inputs  # the inputs are fixed features: nothing to pass further back

    return out, backprop
