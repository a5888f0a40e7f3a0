"""Cap how many tokens of a message the classifiers see.

A patient may paste a long story. The classifiers' cost grows with length, so they
read only the first `max_tokens` tokens; the full text is still stored, and the
entity ruler and crisis net (which run on the spaCy doc) still see all of it.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class TokenLimit(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_tokens": 200}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.max_tokens = int(config["max_tokens"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TokenLimit":
        return cls(config)

    def _limit(self, message: Message) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        if tokens and len(tokens) > self.max_tokens:
            message.set(TOKENS_NAMES[TEXT], tokens[: self.max_tokens])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._limit(message)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._limit(message)
        return messages
