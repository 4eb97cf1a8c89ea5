"""The weight average: its arithmetic, the warm-up, frozen weights left alone, and the module restored after use."""
import pytest
import torch
from torch import nn

from tools.train.averaging import WeightAverage


def test_the_average_follows_the_weights_with_a_warm_up_and_leaves_frozen_weights_alone():
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    net[1].weight.requires_grad_(False)
    frozen = net[1].weight.detach().clone()
    avg = WeightAverage(net, decay=0.9)
    assert len(avg.params) == 3  # two biases and one weight matrix: the frozen one is not averaged
    expected = net[0].weight.detach().clone()
    for step in range(1, 200):
        with torch.no_grad():
            net[0].weight.add_(1.0)
        avg.update()
        d = min(0.9, (1 + step) / (10 + step))
        expected = d * expected + (1 - d) * net[0].weight.detach()
    assert torch.allclose(avg.average[0], expected)
    # A constant shift per step: the average trails the weights by about decay / (1 - decay) steps.
    assert 8.0 < float((net[0].weight - avg.average[0]).mean()) < 10.0
    assert torch.equal(net[1].weight, frozen)


def test_applied_swaps_the_average_in_and_restores_the_weights_even_on_error():
    net = nn.Linear(3, 1)
    avg = WeightAverage(net, decay=0.5)
    with torch.no_grad():
        net.weight.fill_(1.0)
    avg.update()
    own = net.weight.detach().clone()
    with avg.applied():
        assert torch.equal(net.weight, avg.average[0])
    assert torch.equal(net.weight, own)
    with pytest.raises(RuntimeError):
        with avg.applied():
            raise RuntimeError("evaluation failed")
    assert torch.equal(net.weight, own)


def test_decay_must_be_a_fraction():
    with pytest.raises(AssertionError, match="decay"):
        WeightAverage(nn.Linear(1, 1), decay=1.0)
