# Sourced by tools/reproduce.sh and tools/train/cpu_check.sh: the shipped model's training arguments, in one place.
# aci-train only (the other corpora lowered aci-dev, sessions 4-8); an auxiliary language-model objective in training
# (Rei 2017; session 14: aci-dev mean of seeds 13-15 0.9122 against 0.9045 without it). The exported graph is the
# same either way: the LM heads are dropped at export.
recipe=(--sources aci-train --lm-weight 0.1)
