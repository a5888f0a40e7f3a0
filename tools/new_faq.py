"""Scaffold a new FAQ topic: one file in content/faq/, with placeholders to fill.

    python -m tools.new_faq naloxone      # or: make new-faq NAME=naloxone

`make check` fails on every placeholder left, so a half-written topic cannot ship.
"""
import re
import sys
from pathlib import Path

from tools.datacheck import MIN_EXAMPLES, MIN_HELDOUT, PLACEHOLDER, RISKS

FAQ_DIR = Path(__file__).resolve().parent.parent / "content" / "faq"
NAME = re.compile(r"^[a-z][a-z0-9_]{2,40}$")

TEMPLATE = """\
# A FAQ topic: everything it needs sits here. Replace every {todo}, then run
# `make check`, `make generate` and `make train`. See CONTRIBUTING.md.
topic: {name}
title: "{todo}: the question, as a patient would ask it"
# Article paragraphs (P1..P9) and safety-facts sections ("safety-facts 3") it draws on.
citation: [{todo}]
# One of: {risks}
risk: {todo}
# Warning ids from content/warnings.yml, most relevant first.
warnings: [{todo}]
# Short and plain. Only facts from the article and safety-facts.md. No dose, ever.
answer: >-
  {todo}: the answer.
# At least {min_examples} ways a patient might ask this, with typos and slang.
examples:
  - "{todo}: a phrasing"
# At least {min_heldout} more phrasings, never used in training: they measure accuracy.
heldout:
  - "{todo}: a test phrasing"
"""


def scaffold(name: str, faq_dir: Path = FAQ_DIR) -> Path:
    if not NAME.match(name):
        raise ValueError(f"{name!r}: use lower_case_with_underscores, 3 to 41 characters")
    path = faq_dir / f"{name}.yml"
    if path.exists():
        raise FileExistsError(f"{path.name} already exists: edit it instead")
    path.write_text(TEMPLATE.format(
        name=name, todo=PLACEHOLDER, risks=", ".join(sorted(RISKS)),
        min_examples=MIN_EXAMPLES, min_heldout=MIN_HELDOUT,
    ), encoding="utf-8")
    return path


def main(argv) -> int:
    if len(argv) != 1:
        print("usage: make new-faq NAME=topic_name")
        return 2
    try:
        path = scaffold(argv[0])
    except (ValueError, FileExistsError) as error:
        print(error)
        return 1
    print(f"Created {path.relative_to(FAQ_DIR.parent.parent)}. Fill in every {PLACEHOLDER}, "
          "then run `make check`.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
