"""A YAML file's data together with the line of any part of it, for error messages.

PyYAML's loaded data forgets where it came from; its node tree remembers. A check
reads `doc.data` and asks `doc.line(...)` for the line to report.
"""
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode


class YamlDoc:
    def __init__(self, path: Path):
        self.path = path
        text = path.read_text(encoding="utf-8")
        self.data = yaml.safe_load(text) or {}
        self._root = yaml.compose(text, Loader=yaml.SafeLoader)

    def _walk(self, keys):
        """The node at data[k0][k1]..., or the nearest existing parent, and if found."""
        node = self._root
        for key in keys:
            child = None
            if isinstance(node, MappingNode):
                child = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, SequenceNode) and isinstance(key, int) and key < len(node.value):
                child = node.value[key]
            if child is None:
                return node, False
            node = child
        return node, True

    def line(self, *keys) -> int:
        """1-based line of data[k0][k1]...; of the nearest existing parent if absent."""
        node, _ = self._walk(keys)
        return node.start_mark.line + 1 if node is not None else 1

    def block_lines(self, *keys):
        """(line, text) of each `- item` in a block scalar, as Rasa writes NLU examples."""
        node, found = self._walk(keys)
        if not found or not isinstance(node, ScalarNode):
            return
        # A literal block's content starts on the line after its `|` indicator.
        first = node.start_mark.line + 1 + (1 if node.style in ("|", ">") else 0)
        for index, raw in enumerate(node.value.splitlines()):
            item = raw.strip()
            if item.startswith("- "):
                yield first + index, item[2:].strip()
