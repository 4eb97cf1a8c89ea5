"""An exponential moving average of the trainable weights (Polyak averaging): with a constant lr the weights keep
bouncing around the optimum from one epoch to the next; the average sits nearer its middle. Frozen weights (a frozen
word-vector table) are left alone."""
from contextlib import contextmanager

import torch


class WeightAverage:
    def __init__(self, module, decay):
        assert 0.0 < decay < 1.0, f"the average's decay must be in (0, 1), got {decay}"
        self.decay = decay
        self.params = [p for p in module.parameters() if p.requires_grad]
        self.average = [p.detach().clone() for p in self.params]
        self.updates = 0

    @torch.no_grad()
    def update(self):
        """After each optimiser step. The early updates weigh more (decay (1 + n) / (10 + n) until it reaches
        `decay`), so the random initial weights fade within the first few hundred steps."""
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for a, p in zip(self.average, self.params):
            a.mul_(d).add_(p, alpha=1.0 - d)

    def state_dict(self):
        return {"average": [a.clone() for a in self.average], "updates": self.updates}

    def load_state_dict(self, state):
        assert len(state["average"]) == len(self.average), "the saved average is of another model"
        with torch.no_grad():
            for a, saved in zip(self.average, state["average"]):
                a.copy_(saved)
        self.updates = state["updates"]

    @contextmanager
    def applied(self):
        """The module holds the averaged weights inside the block (to evaluate and save them), its own after."""
        saved = [p.detach().clone() for p in self.params]
        with torch.no_grad():
            for p, a in zip(self.params, self.average):
                p.copy_(a)
        try:
            yield
        finally:
            with torch.no_grad():
                for p, s in zip(self.params, saved):
                    p.copy_(s)
