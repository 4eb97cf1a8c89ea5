"""Kindling's PyTorch training toolchain (word vectors, BiLSTM-CNN-CRF tagger, ONNX export).

Run modules from the repository root: ``/usr/bin/python3 -m tools.train.<module>``.
"""
