"""The seed and thread count of a training run, set in one place: every trainer repeats from its arguments."""
import argparse
import random

import torch


def add_seed_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--seed", type=int, default=13)
    # One thread: 13-17 s per aci-train epoch against 30-45 s with two on the 2-core machine (and a core left free).
    ap.add_argument("--threads", type=int, default=1)


def seeded(args: argparse.Namespace) -> random.Random:
    """Sets torch's threads and seed (in that order, as every shipped run did) and returns a Python RNG of the seed."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    return random.Random(args.seed)
