"""train.py --distill: the student also matches a teacher's emissions, on labelled and unlabelled sentences."""
import json

import pytest
import torch

from tools.train import train
from tools.train.tests.test_pretrain import vectors
from tools.train.tests.toy import toy_conll
from tools.train.train import distillation_loss


def test_the_loss_is_at_its_minimum_when_the_student_matches_the_teacher_up_to_a_per_token_offset():
    teacher = torch.randn(2, 5, 7)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.float)
    offset = torch.randn(2, 5, 1)  # a CRF's emissions are free to move every tag of a token together
    for temperature in (1.0, 2.0):
        student = (teacher + offset).requires_grad_()
        distillation_loss(student, teacher, mask, temperature).backward()
        assert student.grad.abs().max() < 1e-5
        other = torch.randn(2, 5, 7, requires_grad=True)
        distillation_loss(other, teacher, mask, temperature).backward()
        assert other.grad[0].abs().max() > 1e-3
        assert other.grad[1, 3:].abs().max() == 0  # padding teaches nothing


def corpora(tmp_path):
    """'toy' (train + dev) and 'text': unlabelled sentences (their random tags are noise the student must ignore)."""
    return toy_conll(tmp_path, {"toy": ("w3", ("train", "dev"), 30), "text": (None, ("train",), 50)}, seed=3)


def common(tmp_path, out):
    return ["--conll-dir", str(tmp_path / "conll"), "--sources", "toy", "--dev-source", "toy", "--complete",
            "--embeddings", str(tmp_path / "tiny_vectors"), "--hidden", "8", "--char-dim", "4", "--char-filters", "4",
            "--epochs", "2", "--lr", "0.02", "--out", str(tmp_path / out)]


def test_a_student_learns_from_an_exported_teacher_on_unlabelled_text(tmp_path, capsys):
    corpora(tmp_path)
    vectors(tmp_path)
    train.main(common(tmp_path, "teacher"))
    teacher = tmp_path / "teacher" / "export"
    train.main(common(tmp_path, "student") + ["--distill", str(teacher), "--distill-sources", "text",
                                              "--distill-weight", "0.5", "--no-export"])
    assert "30 labelled + 50 unlabelled sentences" in capsys.readouterr().out
    meta = torch.load(tmp_path / "student" / "best.pt")["distillation"]
    assert meta["teacher"] == str(teacher) and meta["weight"] == 0.5 and meta["unlabelledSentences"] == 50
    sha = json.loads((teacher / "manifest.json").read_text())["files"]["model.onnx"]["sha256"]
    assert meta["teacherSha256"] == sha


def test_a_teacher_with_other_tags_is_refused(tmp_path):
    corpora(tmp_path)
    vectors(tmp_path)
    train.main(common(tmp_path, "teacher"))
    manifest = tmp_path / "teacher" / "export" / "manifest.json"
    m = json.loads(manifest.read_text())
    m["tags"] = m["tags"][:3]
    manifest.write_text(json.dumps(m))
    with pytest.raises(AssertionError, match="give --distill"):
        train.main(common(tmp_path, "student") + ["--distill-sources", "text", "--no-export"])
    with pytest.raises(AssertionError, match="tags"):
        train.main(common(tmp_path, "student") + ["--distill", str(manifest.parent), "--no-export"])
