"""The demo's profiles (``quick``, ``standard``, ``full``), their budgets and the published result.

A profile says which data the search sees, how long each trial may train, how trials are
stopped early (a pruner over epochs, plus the task's gradient-flatness stop on the training
loss) and when the search ends: after a number of HybridSampler bandit trials (``quick`` and
``full``, the published protocol's shape) or after a number of training epochs summed over all
trials (``standard``: a budget that means the same for every sampler, so random search and TPE
can be given exactly what HybridSampler got).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from smarttune.samplers._hybrid import PHASE_KEY

if TYPE_CHECKING:
    import optuna

__all__ = [
    "PROFILES",
    "PUBLISHED",
    "DemoProfile",
    "PublishedResult",
    "budget_spent",
    "epochs_trained",
    "make_pruner",
    "remaining_trials",
]


@dataclass(frozen=True)
class PublishedResult:
    """The result the demo is compared with: the system our users described.

    Attributes:
        test_accuracy: Accuracy on the official 10,000-image MNIST test set.
        params: The configuration it reported.
        protocol: How it was found, in words.
    """

    test_accuracy: float
    params: dict[str, float]
    protocol: str


#: Simplified AlexNet on MNIST, 3 GA generations of 10, bandit refinement, 10-epoch retrain.
PUBLISHED = PublishedResult(
    test_accuracy=0.9886,
    params={"learning_rate": 0.0029, "batch_size": 180, "dropout": 0.116, "weight_decay": 0.0002},
    protocol="3 GA generations of 10, bandit refinement, 10-epoch retrain on 60,000 images",
)


@dataclass(frozen=True)
class DemoProfile:
    """The budget of a demo run.

    Attributes:
        name: ``"quick"``, ``"standard"`` or ``"full"``.
        subset: The task's data: ``"bundled"`` (the packaged 7,000-image MNIST subset) or
            ``"full"`` (the official 60,000 + 10,000 images: 50,000 train / 10,000 validation
            for the search, all 60,000 for the final retrain, the 10,000 test images).
        epochs: Training epochs per trial (the pruner or early stopping may end it sooner).
        final_epochs: Epochs of the final retrain on train + validation.
        population_size: The initial design's size (HybridSampler's ``n_startup_trials``).
        min_generations: Generations always explored (a trial budget's documentation).
        max_generations: With ``population_size``, bounds the trials before the bandit phase.
        bandit_iterations: Trials of the bandit refinement phase (trial budgets only).
        max_train_rows: Cap on the search's training images (None: all of ``subset``).
        pruner: ``"median"`` (Optuna's MedianPruner) or ``"hyperband"`` (Optuna's
            HyperbandPruner over epochs, from 1 to ``epochs``, reduction factor 3).
        search_epochs: An epoch budget: the search stops once the trials have trained this
            many epochs in all. None means the trial budget of the bandit phase.
        retrain_all_rows: Whether the final retrain uses every training image of ``subset``
            (else it is capped by ``max_train_rows`` too).
    """

    name: str
    subset: str
    epochs: int
    final_epochs: int
    population_size: int
    min_generations: int
    max_generations: int
    bandit_iterations: int
    max_train_rows: int | None = None
    pruner: str = "median"
    search_epochs: int | None = None
    retrain_all_rows: bool = False

    @property
    def max_trials(self) -> int:
        """The most trials the profile runs (every trial trains at least one epoch)."""
        if self.search_epochs is not None:
            return self.search_epochs
        return self.population_size * self.max_generations + self.bandit_iterations

    @property
    def on_full_mnist(self) -> bool:
        """Whether the final retrain is comparable with :data:`PUBLISHED`.

        It is when it trains on all 60,000 training images and tests on the official set.
        """
        return self.subset == "full" and (self.max_train_rows is None or self.retrain_all_rows)


#: ``quick`` finishes in minutes on two CPU cores; ``standard`` searches on 12,000 of the
#: training images with Hyperband over epochs, then retrains on all 60,000 (planned for 30
#: minutes on two idle cores, see docs/benchmarks.md); ``full`` is the published budget.
PROFILES: dict[str, DemoProfile] = {
    "quick": DemoProfile("quick", "bundled", 2, 4, 8, 1, 3, 12),
    "standard": DemoProfile(
        "standard",
        "full",
        epochs=9,
        final_epochs=10,
        population_size=10,
        min_generations=1,
        max_generations=1,
        bandit_iterations=0,
        max_train_rows=12000,
        pruner="hyperband",
        search_epochs=180,
        retrain_all_rows=True,
    ),
    "full": DemoProfile("full", "full", 5, 10, 10, 2, 3, 25),
}


def make_pruner(profile: DemoProfile) -> optuna.pruners.BasePruner:
    """The profile's pruner over epochs (steps are epochs, values validation accuracy)."""
    import optuna

    if profile.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=profile.epochs, reduction_factor=3
        )
    return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)


def epochs_trained(study: optuna.Study) -> int:
    """Epochs trained by the study's finished trials (their logged per-epoch history)."""
    return sum(
        len(t.user_attrs.get("history", []))
        for t in study.get_trials(deepcopy=False)
        if t.state.is_finished()
    )


def bandit_trials(study: optuna.Study) -> int:
    """Finished trials that HybridSampler's bandit (model) phase proposed."""
    return sum(
        t.system_attrs.get(PHASE_KEY) == "bandit" and t.state.is_finished()
        for t in study.get_trials(deepcopy=False)
    )


def budget_spent(study: optuna.Study, profile: DemoProfile) -> bool:
    """Whether the search has spent the profile's budget (epochs, or bandit trials)."""
    if profile.search_epochs is not None:
        return epochs_trained(study) >= profile.search_epochs
    finished = sum(t.state.is_finished() for t in study.get_trials(deepcopy=False))
    return bandit_trials(study) >= profile.bandit_iterations or finished >= profile.max_trials


def remaining_trials(study: optuna.Study, profile: DemoProfile) -> int | None:
    """Trials still to run, or None under an epoch budget (a callback stops the study then).

    Under a trial budget: the profile's maximum minus the finished trials, at least one.
    """
    if profile.search_epochs is not None:
        return None
    finished = sum(t.state.is_finished() for t in study.get_trials(deepcopy=False))
    return max(profile.max_trials - finished, 1)
