"""The patient-facing side never depends on the staff app: only the staff app itself, the
tests and the maintainer tools may import `review` (issue: the house by role)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAY_IMPORT_REVIEW = {"review", "tests", "tools", "bench"}
NOT_OURS = {".venv", "build", "models", "var", "results", ".rasa", "node_modules"}


def _imports_review(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
        if any(name == "review" or name.startswith("review.") for name in names):
            return True
    return False


def test_nothing_outside_the_staff_app_tests_and_tools_imports_review():
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                 if not ({p.relative_to(ROOT).parts[0]} & (MAY_IMPORT_REVIEW | NOT_OURS))
                 and _imports_review(p)]
    assert offenders == []


def test_the_check_finds_an_import_of_review(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom review.schema import staff\n")
    assert _imports_review(module)
    module.write_text("from transcripts import summary\nimport reviewer\n")
    assert not _imports_review(module)
