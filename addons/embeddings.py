"""Sentence vectors from wordllama's static token embeddings (l2_supercat, 256 dims).

Count vectors only see shared words and character n-grams; these vectors put paraphrases
("I want to end my life" / "I'm going to kill myself") close together although they share
almost no words. They are static (one vector per token, no context), so they are cheap:
a table lookup and a mean, no neural network at run time.

The files come from the wordllama wheel on PyPI (`make embeddings`, which runs
scripts/fetch_embeddings.sh); wordllama itself is not installed because its pins (numpy>=2,
pydantic>=2) clash with Rasa 3.6. So `embed` re-does what wordllama 0.4.0.post1 does at
inference (WordLlamaInference.embed with norm=True), and tests/unit/test_embeddings.py holds
vectors computed by the real package to prove it. Where this file departs from wordllama,
the comment says so.
"""
import threading
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "build" / "embeddings"
WEIGHTS_FILE = "l2_supercat_256.safetensors"
TOKENIZER_FILE = "l2_supercat_tokenizer_config.json"
# The key wordllama's loader reads (WordLlama.load: tensor_key="embedding.weight").
TENSOR_KEY = "embedding.weight"

# One copy per directory for the whole process: each pipeline component, action or test
# that asks for the embeddings would otherwise hold its own table and tokenizer.
_CACHE: dict[Path, tuple[np.ndarray, Tokenizer]] = {}
_CACHE_LOCK = threading.Lock()


def _load(directory: Path) -> tuple[np.ndarray, Tokenizer]:
    with _CACHE_LOCK:
        if directory not in _CACHE:
            weights_path, tokenizer_path = directory / WEIGHTS_FILE, directory / TOKENIZER_FILE
            for path in (weights_path, tokenizer_path):
                if not path.is_file():
                    raise FileNotFoundError(f"{path} is missing: run `make embeddings`")
            # The table stays float16 as stored (16 MB instead of 33 MB in every process);
            # embed() widens only the rows it looks up. float16 -> float32 is exact, so the
            # sums are the float32 sums wordllama computes after widening the whole table.
            weights = load_file(str(weights_path))[TENSOR_KEY]
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
            # wordllama clips token ids into the table; with a matching pair that never
            # fires, so a mismatched pair is refused here instead of silently clipped.
            if tokenizer.get_vocab_size() != weights.shape[0]:
                raise ValueError(
                    f"{tokenizer_path.name} has {tokenizer.get_vocab_size()} tokens but "
                    f"{weights_path.name} has {weights.shape[0]} rows"
                )
            # wordllama turns truncation off at inference (the max_length = 256 in its
            # l2_supercat.toml is the training setting): a long message is averaged over
            # all its tokens. That costs only O(tokens) here because each text is pooled
            # on its own, so there is no padding to the longest text of a batch.
            tokenizer.no_truncation()
            tokenizer.no_padding()
            _CACHE[directory] = (weights, tokenizer)
        return _CACHE[directory]


class StaticEmbeddings:
    """256-dim, L2-normalised sentence vectors: cosine similarity is a dot product."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory or DEFAULT_DIR).resolve()
        self.weights, self.tokenizer = _load(self.directory)
        self.dim = int(self.weights.shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        """One unit-length float32 row per text; an empty text gets a zero row."""
        if isinstance(texts, str):
            # A bare string is a list of characters to most callers' loops: refuse it
            # rather than return one vector per character.
            raise TypeError("embed() takes a list of strings, not a string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # No <s>: wordllama encodes with add_special_tokens=False, as it was trained.
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            if not encoding.ids:
                # wordllama would divide 0 by 0 here and return NaN; a zero row is what
                # a similarity search can live with (it is close to nothing).
                continue
            mean = self.weights[encoding.ids].astype(np.float32).mean(axis=0)
            norm = np.linalg.norm(mean)
            if norm > 0:
                out[row] = mean / norm
        return out
