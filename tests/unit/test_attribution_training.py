"""Training the attribution tagger keeps the optimizer's averaged weights, not the last update's."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

TEXT = "Smith said the plan would fail. The weather was fine all week."


@pytest.mark.slow
def test_the_kept_weights_are_the_running_averages(base_nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.nlp import attribution_training as training
    from annotator.nlp.attribution_component import FACTORY

    doc = base_nlp(TEXT)
    roles = [(TEXT.index(t), TEXT.index(t) + len(t), r) for t, r in (
        ("Smith", "SOURCE"), ("said", "CUE"), ("the plan would fail", "CONTENT"))]
    component = base_nlp.create_pipe(FACTORY)
    optimizers: list[Any] = []
    adam = training.Adam

    def capture(*args: Any, **kwargs: Any) -> Any:
        optimizers.append(adam(*args, **kwargs))
        return optimizers[-1]

    monkeypatch.setattr(training, "Adam", capture)
    # No evaluation documents: the last epoch is kept, as of the averages at its end.
    training.train_tagger(component, [training.RoleDoc(doc, roles)] * 4, [], epochs=2, batch_words=20)
    averages = optimizers[0].averages
    compared = 0
    for node in component.model.walk():
        for name in node.param_names:
            key = (node.id, name)
            if key in averages and node.has_param(name):
                assert numpy.allclose(node.get_param(name), averages[key])
                compared += 1
    assert compared > 0
