"""Training the attribution tagger keeps, of each epoch's last weights and the optimizer's running averages of
them, whichever the tuning documents score higher."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

TEXT = "Smith said the plan would fail. The weather was fine all week."


@pytest.mark.slow
@pytest.mark.parametrize("averages_win", [True, False])
def test_the_better_of_the_last_and_the_averaged_weights_is_kept(
    nlp: Any, monkeypatch: pytest.MonkeyPatch, averages_win: bool
) -> None:
    from annotator.nlp import attribution_training as training
    from annotator.nlp.attribution_component import FACTORY

    doc = nlp(TEXT)
    roles = [(TEXT.index(t), TEXT.index(t) + len(t), r) for t, r in (
        ("Smith", "SOURCE"), ("said", "CUE"), ("the plan would fail", "CONTENT"))]
    item = training.RoleDoc(doc, roles)
    component = nlp.create_pipe(FACTORY)
    optimizers: list[Any] = []
    adam = training.Adam

    def capture(*args: Any, **kwargs: Any) -> Any:
        optimizers.append(adam(*args, **kwargs))
        return optimizers[-1]

    calls: list[int] = []

    def scores(component: Any, dev: Any) -> dict[str, float]:
        # Each epoch scores the last weights first, then the averaged ones; later epochs score lower.
        calls.append(1)
        averaged = len(calls) % 2 == 0
        return {"mean": (0.9 if averaged == averages_win else 0.5) - 0.01 * len(calls)}

    monkeypatch.setattr(training, "Adam", capture)
    monkeypatch.setattr(training, "_dev_scores", scores)
    report = training.train_tagger(component, [item] * 4, [item], epochs=1, batch_words=20)
    assert report.averaged is averages_win and report.history[0]["averaged_mean"] > 0
    averages = optimizers[0].averages
    same = [numpy.allclose(node.get_param(name), averages[(node.id, name)])
            for node in component.model.walk() for name in node.param_names
            if (node.id, name) in averages and node.has_param(name)]
    assert same and all(same) is averages_win
